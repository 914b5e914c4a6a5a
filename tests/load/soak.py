"""Load and soak: the Flask example under gunicorn on 127.0.0.1, driven by a bounded mixed load.

    python tests/load/soak.py --seconds 60                       # gthread: 2 workers x 2 threads
    python tests/load/soak.py --seconds 60 --threads 1           # sync workers
    python tests/load/soak.py --seconds 600 --clients 8          # the long soak

The load is a fixed rotation of requests: allowed and disallowed actual requests, allowed and
refused preflights, a public wildcard path, requests without Origin, authenticated writes, and
hostile ones (8000 commas of Access-Control-Request-Headers, an over-long Origin, encoded dot
segments). Before the load, each request is run once in-process through the same WSGI app; that
answer is the expectation.

An **error** is any of: a connection failure or timeout, a 5xx, or a response whose status,
``Access-Control-Allow-Origin`` or ``Access-Control-Allow-Credentials`` differs from the
in-process answer to the same request. A refused preflight's 403 is therefore expected, not an
error, and so is the example's 401 for a write without a token.

RSS (VmRSS of the gunicorn master and every worker, from /proc) is read after a warm-up and again
at the end of the load; a worker that was replaced during the run counts as an error. Traffic goes
to 127.0.0.1 only, for a fixed time, and the server is always stopped.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

REPO = Path(__file__).resolve().parents[2]
DEFAULT_APP = "examples.flask_app:app"
ALLOWED = "https://app.example.com"
ATTACKER = "https://attacker.example"

# (label, method, path, headers): the rotation every client walks through.
REQUESTS: list[tuple[str, str, str, dict[str, str]]] = [
    ("allowed-actual", "GET", "/api/items", {"Origin": ALLOWED}),
    ("disallowed-actual", "GET", "/api/items", {"Origin": ATTACKER}),
    (
        "allowed-preflight",
        "OPTIONS",
        "/api/items/1",
        {
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    ),
    ("refused-preflight-origin", "OPTIONS", "/api/items/1", {"Origin": ATTACKER, "Access-Control-Request-Method": "PUT"}),
    (
        "refused-preflight-header",
        "OPTIONS",
        "/api/items/1",
        {"Origin": ALLOWED, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-evil"},
    ),
    ("public-wildcard", "GET", "/public/status", {"Origin": "https://anyone.example"}),
    ("no-origin", "GET", "/api/items", {}),
    (
        "authorized-write",
        "PUT",
        "/api/items/1",
        {"Origin": ALLOWED, "Authorization": "Bearer demo-token", "Content-Type": "application/json"},
    ),
    ("unauthorized-write", "PUT", "/api/items/1", {"Origin": ALLOWED, "Content-Type": "application/json"}),
    (
        "hostile-acrh-commas",
        "OPTIONS",
        "/api/items/1",
        {"Origin": ALLOWED, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "," * 8000},
    ),
    ("hostile-long-origin", "GET", "/api/items", {"Origin": "https://" + "a" * 400 + ".example.com"}),
    ("hostile-dot-segments", "GET", "/api/items/%2e%2e%2f%2e%2e%2fpublic%2fstatus", {"Origin": ATTACKER}),
    ("hostile-crlf-encoded-path", "GET", "/api/items%0d%0aX-Injected:%20yes", {"Origin": ALLOWED}),
]
BODY = b'{"name": "soak"}'
CHECKED_HEADERS = ("access-control-allow-origin", "access-control-allow-credentials")


@dataclass
class Expectation:
    status: int
    headers: dict[str, Optional[str]]


@dataclass
class Tally:
    served: int = 0
    errors: int = 0
    by_label: dict[str, int] = field(default_factory=dict)
    first_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, error: Optional[str]) -> None:
        with self.lock:
            self.by_label[label] = self.by_label.get(label, 0) + 1
            if error is None:
                self.served += 1
            else:
                self.errors += 1
                if len(self.first_errors) < 10:
                    self.first_errors.append(f"{label}: {error}")


def load_app(target: str) -> Callable[..., Any]:
    sys.path.insert(0, str(REPO))
    module_name, _, attribute = target.partition(":")
    app: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        app = getattr(app, part)
    return app  # type: ignore[no-any-return]


def expectations(app_target: str) -> dict[str, Expectation]:
    """What the same WSGI app answers in-process to each request of the rotation."""
    from werkzeug.test import Client

    client = Client(load_app(app_target))
    expected = {}
    for label, method, path, headers in REQUESTS:
        response = client.open(path, method=method, headers=headers, data=BODY if method == "PUT" else None)
        expected[label] = Expectation(response.status_code, {name: response.headers.get(name) for name in CHECKED_HEADERS})
    return expected


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) if found else 0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return sorted(found)


def memory(master: int) -> dict[str, int]:
    pids = [master, *children(master)]
    return {str(pid): rss_kib(pid) for pid in pids}


def sample_rss(master: int, began: float, seconds: float, timeline: list[tuple[float, int]]) -> None:
    """Total RSS about ten times during the load, to tell a plateau from a leak."""
    interval = max(1.0, seconds / 10)
    while time.monotonic() - began < seconds - interval / 2:
        time.sleep(interval)  # a sampling period, not a wait for something to happen
        try:
            timeline.append((time.monotonic() - began, sum(memory(master).values())))
        except OSError:
            return


class Server:
    """gunicorn on 127.0.0.1 with a port chosen by the kernel, read back from its log."""

    def __init__(self, app: str, workers: int, threads: int, log_dir: Path) -> None:
        self.log_path = log_dir / "gunicorn.log"
        worker_class = "gthread" if threads > 1 else "sync"
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--chdir",
            str(REPO),
            "--error-logfile",
            str(self.log_path),
            "--log-level",
            "info",
            "--graceful-timeout",
            "5",
            app,
        ]
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.port = 0

    def start(self, deadline_seconds: float = 30) -> None:
        self.process = subprocess.Popen(self.command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", self.log())
            if found:
                self.port = int(found.group(1))
                if self._answers():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn was not ready within {deadline_seconds} s:\n{self.log()}")

    def _answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()  # any HTTP answer means a worker is serving
            connection.close()
            return len(children(self.pid)) >= 1
        except OSError:
            return False

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def drive(port: int, seconds: float, clients: int, expected: dict[str, Expectation], tally: Tally) -> None:
    """``clients`` threads, each walking the rotation on its own keep-alive connection until the time is up."""
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        index = offset
        while time.monotonic() < stop_at:
            label, method, path, headers = REQUESTS[index % len(REQUESTS)]
            index += 1
            error = None
            try:
                connection.request(method, path, body=BODY if method == "PUT" else None, headers=headers)
                response = connection.getresponse()
                response.read()
                want = expected[label]
                got = {name: response.getheader(name) for name in CHECKED_HEADERS}
                if response.status >= 500 or response.status != want.status or got != want.headers:
                    error = f"status {response.status} {got}, expected {want.status} {want.headers}"
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exception:
                error = f"{type(exception).__name__}: {exception}"
                connection.close()
            tally.add(label, error)
        connection.close()

    threads = [threading.Thread(target=client, args=(number * 3,), daemon=True) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)


def soak(
    app: str = DEFAULT_APP, seconds: float = 10, warmup_seconds: float = 1, workers: int = 2, threads: int = 2, clients: int = 4
) -> dict[str, Any]:
    """Run one soak and return its figures (requests served, errors, RSS at start and end)."""
    expected = expectations(app)
    with tempfile.TemporaryDirectory(prefix="wsgi-cors-soak-") as log_dir:
        server = Server(app, workers, threads, Path(log_dir))
        try:
            server.start()
            drive(server.port, warmup_seconds, clients, expected, Tally())
            start_rss = memory(server.pid)
            tally = Tally()
            timeline: list[tuple[float, int]] = []
            began = time.monotonic()
            sampler = threading.Thread(target=sample_rss, args=(server.pid, began, seconds, timeline), daemon=True)
            sampler.start()
            drive(server.port, seconds, clients, expected, tally)
            elapsed = time.monotonic() - began
            sampler.join(timeout=5)
            end_rss = memory(server.pid)
            replaced = sorted(set(start_rss) ^ set(end_rss))
            log_tail = server.log()[-2000:]
        finally:
            server.stop()
    return {
        "app": app,
        "worker_class": "gthread" if threads > 1 else "sync",
        "workers": workers,
        "threads": threads,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": tally.served + tally.errors,
        "served": tally.served,
        "errors": tally.errors + len(replaced),
        "requests_per_second": round((tally.served + tally.errors) / elapsed),
        "by_label": tally.by_label,
        "first_errors": tally.first_errors + [f"worker replaced during the run: pid {pid}" for pid in replaced],
        "rss_kib_start": start_rss,
        "rss_kib_end": end_rss,
        "rss_kib_start_total": sum(start_rss.values()),
        "rss_kib_end_total": sum(end_rss.values()),
        "rss_kib_total_timeline": [[round(at, 1), kib] for at, kib in timeline],
        "expected": {label: [want.status, want.headers] for label, want in expected.items()},
        "server_log_tail": log_tail if tally.errors or replaced else "",
    }


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="duration of the measured load (default 60)")
    parser.add_argument("--warmup-seconds", type=float, default=2, help="load before the first RSS reading (default 2)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="threads per worker; 1 runs sync workers (default 2: gthread)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client connections (default 4)")
    parser.add_argument(
        "--app", default=DEFAULT_APP, help=f"WSGI app as module:attribute, importable from the repo root (default {DEFAULT_APP})"
    )
    parser.add_argument(
        "--max-rss-growth", type=float, default=1.10, help="fail if total RSS end/start exceeds this (default 1.10)"
    )
    arguments = parser.parse_args(argv)
    result = soak(
        arguments.app, arguments.seconds, arguments.warmup_seconds, arguments.workers, arguments.threads, arguments.clients
    )
    print(json.dumps(result, indent=2))
    growth = result["rss_kib_end_total"] / result["rss_kib_start_total"]
    print(
        f"\n{result['worker_class']} x{result['workers']} (threads {result['threads']}), {result['clients']} clients, "
        f"{result['seconds']} s: {result['requests']} requests ({result['requests_per_second']}/s), {result['errors']} errors, "
        f"RSS {result['rss_kib_start_total']} -> {result['rss_kib_end_total']} KiB (x{growth:.3f})"
    )
    return 0 if result["errors"] == 0 and growth <= arguments.max_rss_growth else 1


if __name__ == "__main__":
    sys.exit(main())
