"""Lets Python find these files as `bot.data.frameworks` once installed (see setup.py)."""
