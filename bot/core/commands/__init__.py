"""The commands every adapter offers, and the application that dispatches them."""
