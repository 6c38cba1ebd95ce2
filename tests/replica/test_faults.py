"""Fault injection: about the asked share of errors, Retry-After, resets, reproducible."""

from __future__ import annotations

import http.client
import time

LIST = "/en-us/Pages/news.aspx?Page=1"


def outcomes(replica, count: int) -> list[str]:
    """Status (or "reset") of `count` sequential fresh-connection GETs."""
    seen = []
    for _ in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
        try:
            conn.request("GET", LIST)
            response = conn.getresponse()
            response.read()
            seen.append(str(response.status))
            if response.status in (429, 503):
                assert response.getheader("Retry-After", "").isdigit()
        except (TimeoutError, ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
            seen.append("reset")
        finally:
            conn.close()
    return seen


def test_fail_rate_gives_about_a_fifth_of_errors(replica_factory):
    replica = replica_factory(articles=40, seed=7, fail_rate=0.2)
    seen = outcomes(replica, 300)
    errors = sum(s != "200" for s in seen)
    assert 0.12 * 300 <= errors <= 0.28 * 300, errors
    assert {"429", "reset"} <= set(seen)
    assert {"500", "502", "503"} & set(seen)
    stats = replica.stats()
    assert stats["errors"] == errors
    assert stats["total"] == 300


def test_faults_are_reproducible_from_the_seed(replica_factory):
    a = outcomes(replica_factory(articles=40, seed=11, fail_rate=0.3), 60)
    b = outcomes(replica_factory(articles=40, seed=11, fail_rate=0.3), 60)
    c = outcomes(replica_factory(articles=40, seed=12, fail_rate=0.3), 60)
    assert a == b
    assert a != c


def test_controls_and_robots_are_never_faulted(replica_factory):
    replica = replica_factory(articles=40, seed=7, fail_rate=1.0)
    for _ in range(20):
        assert replica.get("/robots.txt")[0] == 200
        assert replica.stats()["articles"] == 41
    assert set(outcomes(replica, 20)) <= {"500", "502", "503", "429", "reset"}


def test_slow_rate_delays_answers(replica_factory):
    replica = replica_factory(articles=40, seed=7, slow_rate=1.0, slow_seconds=1.5)
    started = time.monotonic()
    assert replica.get(LIST)[0] == 200
    assert time.monotonic() - started >= 1.4
    conn = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=0.5)
    conn.request("GET", LIST)
    try:
        conn.getresponse()
        timed_out = False
    except TimeoutError:
        timed_out = True
    finally:
        conn.close()
    assert timed_out
    assert replica.stats()["faults"]["slow"] >= 2
