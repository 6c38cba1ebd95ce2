"""Helpers shared by every test package (the replica client lives in replica.py)."""
