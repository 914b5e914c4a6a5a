"""Over-the-wire benchmark: gunicorn on 127.0.0.1 serving the bare app and the same app behind wsgi_cors.

Each server is one sync worker (``-w 1 -k sync``), so the two compare one process against one
process. ``wrk`` (Debian package ``wrk``) loads them alternately, a bounded number of runs of a
bounded duration each, always and only at ``127.0.0.1``; the order flips every run so that drift
on a shared machine falls on both. A second bare server, measured the same way, is the control:
its ratio to the first shows how much of any difference is noise. The result is the median over runs of req/s(wsgi_cors) ÷
req/s(bare) measured back to back. Both servers are stopped (their process groups, by pid) on the
way out, whatever happens.

    python -m tests.benchmarks.wire                      # 8 runs x 3 s per server, ~1 minute
    python -m tests.benchmarks.wire --runs 2 --duration 1
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional, Sequence

from .apps import ALLOWED_ORIGIN

HOST = "127.0.0.1"  # the only address this benchmark ever sends traffic to
REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STARTUP_SECONDS = 20.0
STOP_SECONDS = 10.0
PATH = "/api/items"
# Many short back-to-back pairs rather than a few long runs: drift on a shared machine then lands
# on both servers of a pair, and the median over pairs discards the pairs it hit unevenly.
DEFAULT_RUNS = 8
DEFAULT_DURATION = 3
# A second, identical bare server: bare ÷ bare is the noise floor every other ratio is read against.
CONTROL_SUFFIX = "-control"
DEFAULT_KINDS = ("bare", "bare" + CONTROL_SUFFIX, "wsgi_cors")

_REQUESTS_PER_SECOND = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_COMPLETED = re.compile(r"(\d+) requests in ")


def parse_wrk(output: str) -> Dict[str, Any]:
    """Requests/sec, requests completed, non-2xx responses and socket errors from wrk's report."""
    found = _REQUESTS_PER_SECOND.search(output)
    if found is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{output}")
    non_2xx = _NON_2XX.search(output)
    errors = _SOCKET_ERRORS.search(output)
    completed = _COMPLETED.search(output)
    return {
        "requests_per_second": float(found.group(1)),
        "requests": int(completed.group(1)) if completed else None,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()))) if errors else {},
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """One gunicorn master with one sync worker serving ``make_wire_app(kind)``, in its own process group."""

    def __init__(self, kind: str, log_directory: str) -> None:
        self.kind = kind
        self.app_kind = kind[: -len(CONTROL_SUFFIX)] if kind.endswith(CONTROL_SUFFIX) else kind
        self.port = free_port()
        os.makedirs(log_directory, exist_ok=True)
        self.log_path = os.path.join(log_directory, f"gunicorn-{kind}.log")
        self.process: Optional[subprocess.Popen[bytes]] = None
        self._log: Any = None

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn",
            "--workers", "1", "--worker-class", "sync",
            "--bind", f"{HOST}:{self.port}",
            "--backlog", "256",
            "--log-level", "warning",
            f"tests.benchmarks.apps:make_wire_app({self.app_kind!r})",
        ]  # fmt: skip
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            command, cwd=REPOSITORY, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.kind}) exited with {self.process.returncode}; see {self.log_path}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn ({self.kind}) did not listen on {HOST}:{self.port} within {STARTUP_SECONDS:.0f} s")

    def get(self, headers: Dict[str, str]) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", PATH, headers=headers)
            response = connection.getresponse()
            response.read()
            return response
        finally:
            connection.close()

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (its process group: master and worker)."""
        assert self.process is not None
        ticks = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended while we looked
            if int(fields[2]) == self.process.pid:  # pgrp
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)  # the group we created: the master and its worker
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_SECONDS)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()


def wrk(port: int, duration: int, connections: int, threads: int) -> Dict[str, Any]:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "2s",
        "-H", f"Origin: {ALLOWED_ORIGIN}", f"http://{HOST}:{port}{PATH}",
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30, check=True)
    return parse_wrk(completed.stdout)


def run(
    runs: int = DEFAULT_RUNS,
    duration: int = DEFAULT_DURATION,
    connections: int = 16,
    threads: int = 1,
    kinds: Sequence[str] = DEFAULT_KINDS,
    log_directory: str = os.path.join(REPOSITORY, ".bench-results"),
) -> Dict[str, Any]:
    """Alternate wrk runs against each server; the req/s of each and the median ratio to ``bare``."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install -y wrk)")
    servers = [Server(kind, log_directory) for kind in kinds]
    results: Dict[str, List[Dict[str, Any]]] = {kind: [] for kind in kinds}
    try:
        for server in servers:
            server.start()
        for server in servers:  # both answer, and only wsgi_cors adds CORS headers
            allow_origin = server.get({"Origin": ALLOWED_ORIGIN}).getheader("Access-Control-Allow-Origin")
            if (allow_origin == ALLOWED_ORIGIN) != (server.app_kind != "bare"):
                raise RuntimeError(f"{server.kind} answered Access-Control-Allow-Origin {allow_origin!r}")
        for index in range(runs):
            order = servers if index % 2 == 0 else servers[::-1]
            for server in order:
                cpu_before = server.cpu_seconds()
                result = wrk(server.port, duration, connections, threads)
                result["server_cpu_seconds"] = server.cpu_seconds() - cpu_before
                results[server.kind].append(result)
    finally:
        for server in servers:
            server.stop()
    for kind, measured in results.items():
        for result in measured:
            if result["non_2xx"] or any(result["socket_errors"].values()):
                raise RuntimeError(f"{kind}: wrk saw errors {result}")
    rates = {kind: [result["requests_per_second"] for result in measured] for kind, measured in results.items()}
    ratios = {kind: [mine / base for mine, base in zip(rates[kind], rates["bare"])] for kind in kinds if kind != "bare"}
    # Requests served per CPU-second of the server: what req/s would be if the server had a core to
    # itself, which other tenants of a shared machine disturb far less than wall-clock req/s.
    per_cpu = {
        kind: [
            result["requests"] / result["server_cpu_seconds"] if result["server_cpu_seconds"] and result["requests"] else math.nan
            for result in measured
        ]
        for kind, measured in results.items()
    }
    cpu_ratios = {kind: [mine / base for mine, base in zip(per_cpu[kind], per_cpu["bare"])] for kind in kinds if kind != "bare"}
    main_kind = "wsgi_cors" if "wsgi_cors" in ratios else next(iter(ratios))
    median_pair_ratio = statistics.median(ratios[main_kind])
    medians = {kind: statistics.median(values) for kind, values in rates.items()}
    summary = (
        ", ".join(f"{kind} {medians[kind]:,.0f} req/s" for kind in kinds)
        + "; "
        + "; ".join(
            f"{kind} ÷ bare {statistics.median(values):.3f} (median of {runs} back-to-back runs: "
            f"{', '.join(f'{value:.3f}' for value in values)})"
            for kind, values in ratios.items()
        )
        + ". Per server CPU-second: "
        + "; ".join(
            f"{kind} ÷ bare {statistics.median(values):.3f} ({', '.join(f'{value:.3f}' for value in values)})"
            for kind, values in cpu_ratios.items()
        )
        + f". gunicorn -w 1 -k sync, wrk -t{threads} -c{connections} -d{duration}s on {HOST}"
    )
    control = "bare" + CONTROL_SUFFIX
    extra = {"control_pair_ratio": statistics.median(ratios[control])} if control in ratios else {}
    if control in cpu_ratios:
        extra["control_cpu_ratio"] = statistics.median(cpu_ratios[control])
    return {
        **extra,
        "runs": runs,
        "duration_s": duration,
        "connections": connections,
        "threads": threads,
        "requests_per_second": rates,
        "median_requests_per_second": medians,
        "pair_ratios": ratios,
        "median_pair_ratio": median_pair_ratio,
        "requests_per_cpu_second": per_cpu,
        "cpu_ratios": cpu_ratios,
        "median_cpu_ratio": statistics.median(cpu_ratios[main_kind]),
        "ratio_of_medians": medians[main_kind] / medians["bare"],
        "summary": summary,
        "raw": results,
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.wire", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs per server (default {DEFAULT_RUNS})")
    parser.add_argument(
        "--duration", type=int, default=DEFAULT_DURATION, help=f"seconds per wrk run (default {DEFAULT_DURATION})"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--static", action="store_true", help="also serve the constant-header wrapper")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 60 or not 1 <= args.runs <= 20:
        parser.error("keep it bounded: --duration 1..60 s, --runs 1..20")
    kinds = DEFAULT_KINDS + ("static",) if args.static else DEFAULT_KINDS
    result = run(runs=args.runs, duration=args.duration, connections=args.connections, kinds=kinds)
    print(result["summary"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
