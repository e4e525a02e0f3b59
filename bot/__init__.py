"""Lectern: an educational chatbot for class channels."""

__version__ = "0.1.0"
