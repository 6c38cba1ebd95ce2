"""Which requests fail or stall, reproducibly from the seed.

Each faultable request gets the next number n; the decision for n depends only on
(seed, n), so a sequential client sees the same faults on every run. Concurrent
clients share the counter, so which of them gets which fault may vary.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# What a failed request gets, with weights: server errors, a rate limit with
# Retry-After, or a connection reset before any byte of the answer.
FAULT_KINDS = {"500": 20, "502": 15, "503": 20, "429": 25, "reset": 20}


@dataclass(frozen=True)
class Decision:
    fault: str | None  # one of FAULT_KINDS, or None
    slow: bool
    retry_after: int = 0


@dataclass(frozen=True)
class FaultPlan:
    seed: int
    fail_rate: float = 0.0
    slow_rate: float = 0.0

    def decide(self, n: int) -> Decision:
        if self.fail_rate <= 0 and self.slow_rate <= 0:
            return Decision(None, False)
        rng = random.Random(f"{self.seed}:fault:{n}")
        failing = rng.random() < self.fail_rate
        slow = rng.random() < self.slow_rate
        if not failing:
            return Decision(None, slow)
        kinds = list(FAULT_KINDS)
        fault = rng.choices(kinds, weights=list(FAULT_KINDS.values()))[0]
        # Short waits: loopback tests must not sleep long to honour them.
        retry_after = rng.randint(1, 2) if fault in ("429", "503") else 0
        return Decision(fault, slow, retry_after)
