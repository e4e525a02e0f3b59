"""Spaced repetition: what each student remembers of each question (FSRS), and when to review it."""
