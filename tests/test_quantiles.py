"""The normal and Student-t quantiles of sim/results/metrics.py come from scipy.special (scipy.stats
takes half a second to import, most of `drsim report`'s start-up): they must be the very values
scipy.stats gives, so every interval drsim writes stays the same to the last bit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from sim.results import metrics


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=2, max_value=100_000), confidence=st.floats(min_value=0.5, max_value=0.999))
def test_special_quantiles_are_the_stats_quantiles_bit_for_bit(n, confidence):
    q = 0.5 + confidence / 2
    assert special.stdtrit(n - 1, q) == stats.t.ppf(q, n - 1)
    assert special.ndtri(q) == stats.norm.ppf(q)


def test_intervals_by_hand():
    # 95 %: z = 1.959963984540054; t(0.975, 3) = 3.182446305284263
    low, high = metrics.wilson(5, 10)
    assert abs(low - 0.2365931) < 1e-6 and abs(high - 0.7634069) < 1e-6
    mean, low, high = metrics.t_interval([1.0, 2.0, 3.0, 4.0])
    half = 3.182446305284263 * (5 / 3) ** 0.5 / 2
    assert mean == 2.5 and abs(low - (2.5 - half)) < 1e-12 and abs(high - (2.5 + half)) < 1e-12
