"""The benchmark harness measures what it claims to: right answers, bounded responses, every ratio reported.

Nothing here asserts a time: CI machines are shared and noisy, and the targets are checked by the
full run (``python -m tests.benchmarks.bench``), not by the test suite.

The quick run itself happens in a subprocess: Django's settings are global to a process, and the
benchmark's Django app must not meet the example project the rest of the suite configures.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from . import apps, bench, wire

ROOT = Path(__file__).resolve().parents[2]
WORKLOADS = {workload.name: workload for workload in bench.build_workloads()}
CASES = [(workload.name, impl) for workload in WORKLOADS.values() for impl in workload.impls]
IN_PROCESS = [(name, impl) for name, impl in CASES if impl not in bench.NEEDS_OWN_PROCESS]
CORS_HEADERS_THAT_MATTER = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Vary",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    # The run checks 3 requests of every workload for every implementation before timing, and fails if
    # one answers wrongly; the parametrized test below re-checks, in this process, all but Django's.
    directory = tmp_path_factory.mktemp("bench")
    command = [
        sys.executable,
        "-m",
        "tests.benchmarks.bench",
        "--quick",
        "--sample-ms",
        "0.05",
        "--verify-samples",
        "3",
        "--json",
        str(directory),
    ]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-4000:]
    return bench.load_report(str(directory / "latest-quick.json"))


def skip_if_unavailable(impl: str) -> None:
    why = bench.unavailable(impl)
    if why is not None:
        pytest.skip(f"{impl} not measured: {why}")


@pytest.mark.parametrize("workload_name, impl", IN_PROCESS, ids=[f"{name}-{impl}" for name, impl in IN_PROCESS])
def test_every_implementation_answers_every_workload_as_expected(workload_name: str, impl: str) -> None:
    skip_if_unavailable(impl)
    workload = WORKLOADS[workload_name]
    problems, _ = bench.verify(impl, bench.build_app(impl, workload), workload, samples=3)
    assert problems == []


@pytest.mark.parametrize("impl", sorted(bench.NEEDS_OWN_PROCESS))
def test_implementations_that_need_their_own_process_were_checked_and_timed_there(impl: str, report: dict) -> None:
    skip_if_unavailable(impl)
    assert impl in report["meta"]["measured"], report["skipped"]
    for workload in WORKLOADS.values():
        if impl in workload.impls:
            assert report["workloads"][workload.name][impl]["per_call_ns"] > 0


def test_a_missing_peer_is_left_out_with_a_message(monkeypatch) -> None:
    monkeypatch.setitem(bench.REQUIRES, "wsgicors", ("wsgicors_not_installed_here",))
    report = bench.run(
        quick=True, rounds=1, sample_ms=0.02, verify_samples=1, workloads=["no-origin"], skip=list(bench.NEEDS_OWN_PROCESS)
    )
    assert any("wsgicors" in line and "not installed" in line for line in report["skipped"])
    assert "wsgicors" not in report["workloads"]["no-origin"]
    assert report["targets"]["i10_wsgicors_no_origin"]["met"] is None
    assert "not measured" in bench.markdown(report)


def test_a_baseline_that_git_cannot_produce_is_left_out_with_a_message() -> None:
    assert bench.unavailable("baseline", "no-such-ref-anywhere") is not None


def test_the_baseline_is_the_old_code_not_the_current_one() -> None:
    skip_if_unavailable("baseline")
    from . import baseline

    module = baseline.load()
    assert module.__name__ == baseline.NAME
    assert module.CORSMiddleware.__module__.startswith(baseline.NAME + ".")
    assert baseline.info()["commit"].startswith(baseline.DEFAULT_REF)


@pytest.mark.parametrize("workload_name", [name for name, workload in WORKLOADS.items() if workload.static_headers])
def test_static_wrapper_and_wsgi_cors_send_the_same_cors_headers(workload_name: str) -> None:
    workload = WORKLOADS[workload_name]
    environ = workload.pool[0]
    static = bench.call(bench.build_app("static", workload), environ)
    middleware = bench.call(bench.build_app("wsgi_cors", workload), environ)
    assert static.status == middleware.status
    for name in CORS_HEADERS_THAT_MATTER:
        assert static.tokens(name) == middleware.tokens(name), name


@pytest.mark.parametrize("workload_name", [name for name, workload in WORKLOADS.items() if workload.scaled])
@pytest.mark.parametrize("factor", [1, 4])
def test_hostile_requests_get_bounded_responses_from_wsgi_cors(workload_name: str, factor: int) -> None:
    workload = WORKLOADS[workload_name]
    response = bench.call(bench.build_app("wsgi_cors", workload), workload.scaled(factor))
    assert response.longest_header_value <= bench.MAX_RESPONSE_HEADER_VALUE
    assert response.header_bytes <= bench.MAX_RESPONSE_HEADER_BYTES
    assert response.status in workload.expect.statuses


def test_the_check_rejects_a_wrong_answer() -> None:
    workload = WORKLOADS["allowed"]
    wrong = apps.StaticCORS(apps.bare_app, [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Origin", "*")])
    problems, _ = bench.verify("static", wrong, workload, samples=1)
    assert any("2 ACAO headers" in problem for problem in problems)
    assert any("lacks Origin" in problem for problem in problems)


def test_the_check_rejects_an_echoed_hostile_header() -> None:
    workload = WORKLOADS["acrh-10k-any"]
    echo = apps.StaticCORS(
        apps.bare_app, [], [("Access-Control-Allow-Headers", workload.pool[0]["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"])]
    )
    problems, _ = bench.verify("wsgi_cors", echo, workload, samples=1)
    assert any("unbounded response headers" in problem for problem in problems)


def test_rotating_workloads_really_rotate_over_distinct_origins() -> None:
    for name in ("origins-10k", "patterns-100"):
        origins = {environ["HTTP_ORIGIN"] for environ in WORKLOADS[name].pool}
        assert len(origins) == bench.ROTATING_ORIGINS, name


def test_report_has_every_ratio_and_measurement(report: dict) -> None:
    targets = report["targets"]
    assert set(targets) == {target.key for target in bench.TARGETS}
    measured_impls = set(report["meta"]["measured"])
    pairs = bench.ratio_pairs()
    for key, entry in targets.items():
        if key.startswith("wire_"):
            continue  # only with --wire
        if key in pairs and not {side[1] for side in pairs[key]} <= measured_impls:
            assert entry["met"] is None, (key, entry)  # a peer that is not installed: "not measured"
            continue
        # Two rounds of tiny samples can give any ratio (even a negative overhead); what must hold is
        # that both sides of every ratio were measured.
        measured = [entry.get("numerator_ns"), entry.get("denominator_ns")] if "numerator_ns" in entry else [entry["value"]]
        assert all(isinstance(value, float) and math.isfinite(value) for value in measured), (key, entry)
    for workload in WORKLOADS.values():
        for impl in workload.impls:
            if impl not in measured_impls:
                assert any(bench.LABEL[impl] in line for line in report["skipped"]), impl
                continue
            entry = report["workloads"][workload.name][impl]
            assert entry["per_call_ns"] > 0
            assert (bench.FLOOR[impl] is None) != ("overhead_ns" in entry), (workload.name, impl)
    assert set(report["hostile_memory"]) == {name for name, workload in WORKLOADS.items() if workload.scaled}


def test_report_renders_as_markdown_and_json(report: dict, tmp_path) -> None:
    text = bench.markdown(report)
    for name in WORKLOADS:
        assert f"| {name} |" in text
    for target in bench.TARGETS:
        if target.comparison is None:
            assert target.what in text
    for comparison in bench.COMPARISONS:
        assert comparison.heading in text
    assert "PASS" in text or "FAIL" in text
    path = bench.write_report(report, str(tmp_path))
    with open(path, encoding="utf-8") as handle:
        assert json.load(handle)["meta"]["quick"] is True


def test_wrk_report_is_parsed() -> None:
    output = """Running 5s test @ http://127.0.0.1:8000/api/items
  1 threads and 16 connections
  12061 requests in 5.00s, 1.93MB read
  Socket errors: connect 0, read 3, write 0, timeout 0
  Non-2xx or 3xx responses: 2
Requests/sec:   2411.53
Transfer/sec:    395.64KB
"""
    parsed = wire.parse_wrk(output)
    assert parsed == {
        "requests_per_second": 2411.53,
        "requests": 12061,
        "non_2xx": 2,
        "socket_errors": {"connect": 0, "read": 3, "write": 0, "timeout": 0},
    }
