"""Fixtures of the reliability attacks (the machinery is in helpers.py)."""

from .helpers import replica_factory  # noqa: F401
