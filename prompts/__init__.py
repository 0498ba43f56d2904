"""Lets Python find these files as `bot.data.prompts` once installed (see setup.py)."""
