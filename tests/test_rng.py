"""Named random streams: stable across processes and hash seeds, independent by name."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from sim.rng import Streams, name_key, stream


def test_same_name_same_draws_and_names_differ():
    a = stream(1, 0, "hazard.displaced").random(5)
    np.testing.assert_array_equal(a, stream(1, 0, "hazard.displaced").random(5))
    assert not np.array_equal(a, stream(1, 0, "ems.calls").random(5))
    assert not np.array_equal(a, stream(1, 1, "hazard.displaced").random(5))


def test_streams_do_not_disturb_each_other():
    s1, s2 = Streams(3, 2), Streams(3, 2)
    s1("policy.noise").random(1000)  # one stream used heavily...
    np.testing.assert_array_equal(s1("hazard.displaced").random(3), s2("hazard.displaced").random(3))


def test_name_key_is_stable_across_hash_seeds():
    code = "from sim.rng import name_key; print(name_key('hazard.displaced'))"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": h},
        ).stdout
        for h in ("0", "99")
    }
    assert outs == {f"{name_key('hazard.displaced')}\n"}
