"""The Discord adapter on discord.py: slash commands, buttons and forms in, embeds out."""
