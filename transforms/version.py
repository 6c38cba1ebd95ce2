"""Bumped whenever parser output changes, so the warehouse knows which rows a reparse changes."""

PARSER_VERSION = "1.0.0"
