"""Named random streams.

Every source of randomness draws from its own stream, spawned from
(seed, rep, name). Replication r of every case uses the same streams (common
random numbers), and a stream's draws never depend on how many draws another
stream made, so a change of policy or fleet cannot shift the disaster.
The name is hashed with a fixed function (never Python's `hash`, which varies
with PYTHONHASHSEED).
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(name: str) -> int:
    """A stable 64-bit integer for a stream name."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


def stream(seed: int, rep: int, name: str) -> np.random.Generator:
    """The generator for stream `name` in replication `rep` of a run seeded `seed`."""
    if seed < 0 or rep < 0:
        raise ValueError(f"seed and rep must be non-negative, got seed={seed}, rep={rep}")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, rep, name_key(name)])))


class Streams:
    """The streams of one replication, created on first use and kept by name."""

    def __init__(self, seed: int, rep: int):
        self.seed = seed
        self.rep = rep
        self._made: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        gen = self._made.get(name)
        if gen is None:
            gen = self._made[name] = stream(self.seed, self.rep, name)
        return gen
