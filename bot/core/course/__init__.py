"""The course as a bot serves it: content and quizzes together, reloadable; coverage reports."""
