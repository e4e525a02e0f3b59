"""Course content: models, loading with file:line errors, and the search indexes."""
