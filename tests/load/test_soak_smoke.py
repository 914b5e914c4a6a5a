"""The CI version of the soak (tests/load/soak.py): the Flask example under gunicorn for a few seconds, no errors, flat RSS.

An error is a connection failure, a 5xx, or an answer whose status, ACAO or ACAC differs from
the same app's in-process answer (so refused preflights' 403s are expected). The RSS bound is
generous because a few seconds are mostly warm-up; the long soak is
``python tests/load/soak.py --seconds 600``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("gunicorn")
pytest.importorskip("flask")
if not Path("/proc/self/status").exists():
    pytest.skip("RSS is read from /proc (Linux)", allow_module_level=True)

from .soak import soak


@pytest.mark.parametrize("workers,threads,seconds", [(2, 2, 4), (2, 1, 2)], ids=["gthread-2x2", "sync-2"])
def test_mixed_load_is_served_without_errors_and_flat_memory(workers: int, threads: int, seconds: float) -> None:
    result = soak(seconds=seconds, warmup_seconds=1, workers=workers, threads=threads, clients=4)
    print(
        f"soak {result['worker_class']}: {result['requests']} requests, {result['errors']} errors, "
        f"RSS {result['rss_kib_start_total']} -> {result['rss_kib_end_total']} KiB"
    )
    assert result["errors"] == 0, result["first_errors"]
    assert result["requests"] > 100
    assert set(result["by_label"]) == set(result["expected"])  # every kind of request was sent
    assert result["rss_kib_end_total"] <= result["rss_kib_start_total"] * 1.25 + 4096
