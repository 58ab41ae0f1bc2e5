"""The sync loop's schedule after a cut, with a fake clock: probes every 2–3 s, a pass 0–5 s after the first health
answer; an answer from the portal (5xx, 429) keeps the ordinary interval and the outbox's back-off (docs/clock.md)."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from sync.errors import BadAnswer, NotThePortal, PortalTimeout, ServerError, TLSFailure, Unreachable
from sync.outbox import backoff_delay
from sync.schedule import Reconnect, is_network_failure


def _walk(seed: int, portal_back_at: float) -> tuple[list[float], float]:
    """Run the loop on a fake clock from a cut at t=0 until its pass starts: (probe times, pass time)."""
    plan = Reconnect(interval_s=20, rng=random.Random(seed))
    step = plan.after_pass(SimpleNamespace(network_failure=True), 0.0)
    probes = []
    while step.action == "probe":
        probes.append(step.at)
        step = plan.after_probe(step.at >= portal_back_at, step.at)  # the health check answers once the link is back
    return probes, step.at


@pytest.mark.parametrize("seed", range(50))
def test_after_a_cut_the_loop_probes_every_two_to_three_seconds_and_passes_within_five_after_an_answer(seed: int) -> None:
    probes, started = _walk(seed, portal_back_at=37.0)
    gaps = [b - a for a, b in zip([0.0, *probes], probes)]
    assert all(2.0 <= gap <= 3.0 for gap in gaps), gaps
    first_answer = next(t for t in probes if t >= 37.0)
    assert probes[-1] == first_answer  # no probe after the first answer: the pass comes next
    assert first_answer <= 37.0 + 3.0 and first_answer <= started <= first_answer + 5.0


def test_the_start_jitter_spreads_kiosks_cut_together() -> None:
    starts = {round(_walk(seed, portal_back_at=10.0)[1] - _walk(seed, portal_back_at=10.0)[0][-1], 3) for seed in range(40)}
    assert len(starts) > 30 and min(starts) >= 0.0 and max(starts) <= 5.0


@pytest.mark.parametrize("exc", [ServerError(500), ServerError(503), BadAnswer("put revision: HTTP 429")], ids=["500", "503", "429"])
def test_an_answer_from_the_portal_keeps_the_ordinary_interval_and_the_back_off(exc) -> None:
    assert not is_network_failure(exc)
    plan = Reconnect(interval_s=20, rng=random.Random(1))
    step = plan.after_pass(SimpleNamespace(network_failure=False, reachable=True), 100.0)
    assert step.action == "pass" and 110.0 <= step.at <= 130.0
    ceilings = [backoff_delay(n, _Top()) for n in range(1, 6)]
    assert ceilings == [30.0, 60.0, 120.0, 240.0, 480.0]  # full jitter, doubling: the portal is not probed every 2 s


def test_which_failures_are_the_network() -> None:
    assert is_network_failure(Unreachable()) and is_network_failure(PortalTimeout()) and is_network_failure(NotThePortal())
    assert not is_network_failure(TLSFailure())  # probing cannot fix a certificate or a wrong clock


class _Top(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.mark.parametrize("seed", range(20))
def test_probes_that_wait_out_their_timeout_still_start_two_to_three_seconds_apart(seed: int) -> None:
    from sync.engine import PROBE_TIMEOUT

    took = PROBE_TIMEOUT[0]  # a dead link: each probe waits out its connect timeout
    assert took < 3.0  # otherwise no cadence could hold
    plan = Reconnect(interval_s=20, rng=random.Random(seed))
    step = plan.after_pass(SimpleNamespace(network_failure=True), 0.0)
    starts = []
    while step.action == "probe" and len(starts) < 10:
        starts.append(step.at)
        step = plan.after_probe(False, step.at + took, took=took)  # it answers nothing, `took` seconds after it started
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(gaps) == 9 and all(2.0 <= gap <= 3.0 for gap in gaps), gaps
