"""Quizzes: their model, validation, dealing and answer matching."""
