"""Run one pipeline step, or the CLI itself, in its own process so a test can
SIGKILL it, with Settings the command line does not expose (short client and
lock timeouts).

    python tests/reliability/driver.py step '{"settings": {...}, "step": "fetch_latest", "kwargs": {...}}'
    python tests/reliability/driver.py cli '{"lock_timeout_s": 3}' -- --duckdb x crawl

Settings start from the environment (PORTAL_*), exactly as the CLI's do.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _step(spec: dict) -> int:
    from ingest.config import Settings
    from portal_ingest import pipeline

    settings = Settings.from_env(**spec.get("settings", {}))
    result = getattr(pipeline, spec["step"])(settings, **spec.get("kwargs", {}))
    print(json.dumps(result.to_dict(), default=str), flush=True)
    return 0


def _cli(overrides: dict, argv: list[str]) -> int:
    import ingest.config as config

    original = config.Settings.from_env.__func__

    def from_env(cls, **kw):
        return original(cls, **kw).with_overrides(**overrides)

    config.Settings.from_env = classmethod(from_env)
    from portal_ingest.cli import main

    return main(argv)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "step":
        sys.exit(_step(json.loads(sys.argv[2])))
    rest = sys.argv[3:]
    if rest and rest[0] == "--":
        rest = rest[1:]
    sys.exit(_cli(json.loads(sys.argv[2]), rest))
