"""The ASGI benchmark harness checks every answer before timing and reports every ratio; no time is asserted here."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("starlette")

from . import asgi_bench


def test_a_quick_run_verifies_every_answer_and_reports_each_workload() -> None:
    report = asgi_bench.run(rounds=1, sample_ms=0.1)
    assert set(report["results"]) == {"allowed", "refused", "preflight", "no-origin"}
    for row in report["results"].values():
        assert all(math.isfinite(row[impl]) for impl in asgi_bench.IMPLS[1:]) and math.isfinite(row["ratio"])
    assert "| allowed |" in asgi_bench.markdown(report)


def test_a_wrong_answer_stops_the_run() -> None:
    apps = {impl: asgi_bench.build(impl) for impl in asgi_bench.IMPLS}
    apps["wsgi_cors"] = asgi_bench.bare_app  # no CORS at all: the allowed workload must notice
    with pytest.raises(SystemExit, match="wsgi_cors answered allowed wrongly"):
        asgi_bench.verify(apps, asgi_bench.workloads())
