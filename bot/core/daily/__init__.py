"""Daily fact posts: schedules in local time, claimed once, posted through Delivery."""
