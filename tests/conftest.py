"""Shared by every test package: puts tests/ on sys.path so `support` imports.

    from support.replica import start_replica
"""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
