"""A bounded smoke run of the atheris harness: 5 000 coverage-guided executions (at most 8 s) without a crash.

Skipped when atheris is not installed (it ships wheels for CPython on Linux/macOS x86-64 and
arm64 only). The longer run is ``python tests/fuzz/atheris_harness.py --seconds 600``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

HARNESS = Path(__file__).with_name("atheris_harness.py")
RUNS = 5_000


def test_harness_runs_crash_free(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            f"-runs={RUNS}",
            "-max_total_time=8",
            "-timeout=5",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    output = completed.stderr
    assert completed.returncode == 0, output[-3000:]
    done = re.search(r"Done (\d+) runs in (\d+) second", output)
    assert done is not None, output[-3000:]
    print(f"atheris: {done.group(0)}")  # shown with pytest -s; the count goes into the report
    assert int(done.group(1)) > 0
    assert not list(tmp_path.glob("crash-*"))
