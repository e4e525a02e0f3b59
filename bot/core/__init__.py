"""Platform-neutral domain and application logic.

Nothing in here may import a chat SDK, a SQL driver or a web framework (import-linter enforces it):
adapters translate platform events into `bot.core.messages` and render the replies.
"""
