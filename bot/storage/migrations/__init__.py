"""Numbered SQL migrations (NNNN_name.sql), applied in order by bot.storage.migrate.

Append-only: never edit a file that has shipped; add the next number instead.
"""
