"""The AssetWatcher trigger never blocks the triggerer's event loop.

Runs, in a fresh interpreter (the crawler not imported yet, as in a triggerer that just
started), Airflow's own watchdog (`TriggerRunner.block_watchdog`, the code that logs
"Triggerer's async thread was blocked for N seconds") beside `NewArticleTrigger.run`
for several polls of a real replica, and asserts the watchdog logged nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys, types

    from airflow.jobs.triggerer_job_runner import TriggerRunner
    # The triggerer has Airflow and the trigger's module loaded before it runs a trigger.
    from portal_triggers.new_article import NewArticleTrigger

    warnings = []

    class Log:
        async def ainfo(self, msg, *args, **kw):
            warnings.append(msg % args)

    async def main(base_url, polls):
        import anyio

        anyio.Event()  # TriggerRunner.arun makes one before any trigger runs (loads anyio's backend)
        runner = types.SimpleNamespace(stop=False, log=Log(), blocked_main_thread_warning_threshold=0.2)
        watchdog = asyncio.create_task(TriggerRunner.block_watchdog(runner))
        await asyncio.sleep(0.3)  # the watchdog's first tick

        trigger = NewArticleTrigger(poll_interval=0.3, base_url=base_url, max_polls=polls)
        events = [e async for e in trigger.run()]
        await asyncio.sleep(0.3)
        runner.stop = True
        await watchdog
        return events

    events = asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    print(json.dumps({"warnings": warnings, "events": len(events)}))
    """
)


def test_watcher_polls_do_not_block_the_triggerer(replica_factory, monkeypatch):
    replica = replica_factory(articles=30, seed=21)
    env = {"PORTAL_MAX_RPS": "0", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "AIRFLOW_HOME": str(replica.log_path.parent / "airflow-home")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, replica.base_url, "5"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["warnings"] == [], out["warnings"]
