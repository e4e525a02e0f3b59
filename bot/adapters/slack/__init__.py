"""The Slack adapter on slack-bolt: slash commands, Block Kit buttons and modals, one AsyncApp
served over Socket Mode or signed HTTP."""
