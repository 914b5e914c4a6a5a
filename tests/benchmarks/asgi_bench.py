"""In-process benchmark of the ASGI door against Starlette's CORSMiddleware, both around the same bare ASGI app.

The ASGI section of the benchmark (the WSGI one is ``tests/benchmarks/bench.py``; same method): every round
times, one after the other in a rotating order, a bare ASGI app (the floor), Starlette's ``CORSMiddleware``
around it, ``wsgi_cors.asgi.CORSMiddleware`` around it and ``wsgi_cors.starlette.CORSMiddleware`` (Starlette's
constructor on our engine) around it. A sample is a tight loop of N awaited calls inside one event loop
with the garbage collector off; an implementation's overhead in a round is its time per call minus the bare
app's in that round; results are medians over rounds, and the ratio of medians ours ÷ Starlette's.

The policy is the same for all: one allowed origin, GET/POST/PUT, three allowed request headers, no
credentials, max-age 600 (Starlette always sends one). Every answer is checked before it is timed.

Targets (issue 13): our overhead at most half of Starlette's for allowed and refused actual requests and
for preflights, and no more than Starlette's without Origin.

    python -m tests.benchmarks.asgi_bench            # about a minute on 2 cores
    python -m tests.benchmarks.asgi_bench --quick    # checks the harness, times nothing useful
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence

ORIGIN = "https://app.example.com"
REFUSED_ORIGIN = "https://evil.example"
PREFLIGHT_HEADERS = "content-type,x-requested-with,authorization"
IMPLS = ("bare", "starlette", "wsgi_cors", "wsgi_cors.starlette")
TARGETS = {"allowed": 0.5, "refused": 0.5, "preflight": 0.5, "no-origin": 1.0}  # our overhead ÷ Starlette's, at most


async def bare_app(scope: Any, receive: Any, send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"{}"})


def build(impl: str) -> Any:
    if impl == "bare":
        return bare_app
    options = {
        "allow_origins": [ORIGIN],
        "allow_methods": ["GET", "POST", "PUT"],
        "allow_headers": ["Content-Type", "X-Requested-With", "Authorization"],
        "max_age": 600,
    }
    if impl == "starlette":
        from starlette.middleware.cors import CORSMiddleware as StarletteCORS

        return StarletteCORS(bare_app, **options)
    if impl == "wsgi_cors.starlette":
        from wsgi_cors.starlette import CORSMiddleware as Shim

        return Shim(bare_app, **options)
    from wsgi_cors.asgi import CORSMiddleware

    return CORSMiddleware(
        bare_app,
        origins=[ORIGIN],
        methods=["GET", "POST", "PUT"],
        allow_headers=["Content-Type", "X-Requested-With", "Authorization"],
        max_age=600,
        always_send=False,
    )


def scope(method: str, headers: Dict[str, str]) -> Dict[str, Any]:
    """What uvicorn hands an app for a browser's request: a dozen headers, Origin among them."""
    browser = {
        "host": "api.example.com",
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/125.0",
        "accept": "*/*",
        "accept-language": "en-US,en;q=0.9",
        "accept-encoding": "gzip, deflate, br",
        "referer": "https://app.example.com/",
        "sec-fetch-mode": "cors",
        "sec-fetch-site": "cross-site",
        "connection": "keep-alive",
        **{name.lower(): value for name, value in headers.items()},
    }
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": "/api/items",
        "raw_path": b"/api/items",
        "query_string": b"",
        "root_path": "",
        "headers": [(name.encode("latin-1"), value.encode("latin-1")) for name, value in browser.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


@dataclass(frozen=True)
class Workload:
    name: str
    scope: Dict[str, Any]
    check: Callable[[str, int, Dict[bytes, List[bytes]]], Optional[str]]


def _acao(headers: Dict[bytes, List[bytes]]) -> List[bytes]:
    return headers.get(b"access-control-allow-origin", [])


def workloads() -> List[Workload]:
    def allowed(impl: str, status: int, headers: Dict[bytes, List[bytes]]) -> Optional[str]:
        if impl == "bare":
            return None
        return None if status == 200 and _acao(headers) == [ORIGIN.encode()] else f"expected one ACAO {ORIGIN}"

    def refused(impl: str, status: int, headers: Dict[bytes, List[bytes]]) -> Optional[str]:
        return None if status == 200 and not _acao(headers) else "expected 200 without ACAO"

    def preflight(impl: str, status: int, headers: Dict[bytes, List[bytes]]) -> Optional[str]:
        if impl == "bare":
            return None
        names = b",".join(headers.get(b"access-control-allow-headers", [])).lower().replace(b" ", b"").split(b",")
        ok = status == 200 and _acao(headers) == [ORIGIN.encode()] and set(PREFLIGHT_HEADERS.encode().split(b",")) <= set(names)
        return None if ok else "expected an allowed preflight"

    def no_origin(impl: str, status: int, headers: Dict[bytes, List[bytes]]) -> Optional[str]:
        return None if status == 200 and not _acao(headers) else "expected no ACAO without Origin"

    return [
        Workload("allowed", scope("GET", {"Origin": ORIGIN}), allowed),
        Workload("refused", scope("GET", {"Origin": REFUSED_ORIGIN}), refused),
        Workload(
            "preflight",
            scope(
                "OPTIONS",
                {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": PREFLIGHT_HEADERS},
            ),
            preflight,
        ),
        Workload("no-origin", scope("GET", {}), no_origin),
    ]


async def _receive() -> Dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Dict[str, Any]) -> None:
    return None


def answer(app: Any, request_scope: Dict[str, Any]) -> tuple[int, Dict[bytes, List[bytes]]]:
    sent: List[Dict[str, Any]] = []

    async def send(message: Dict[str, Any]) -> None:
        sent.append(message)

    asyncio.new_event_loop().run_until_complete(app(dict(request_scope), _receive, send))
    headers: Dict[bytes, List[bytes]] = {}
    for name, value in sent[0].get("headers", ()):
        headers.setdefault(bytes(name).lower(), []).append(bytes(value))
    return sent[0]["status"], headers


def verify(apps: Dict[str, Any], loads: Sequence[Workload]) -> None:
    for workload in loads:
        for impl, app in apps.items():
            status, headers = answer(app, workload.scope)
            problem = workload.check(impl, status, headers)
            if problem:
                raise SystemExit(f"{impl} answered {workload.name} wrongly ({problem}): {status} {headers}")


async def _loop(app: Any, request_scope: Dict[str, Any], calls: int) -> int:
    receive, send = _receive, _send
    start = time.perf_counter_ns()
    for _ in range(calls):
        await app(request_scope, receive, send)
    return time.perf_counter_ns() - start


def run(rounds: int, sample_ms: float, progress: bool = False) -> Dict[str, Any]:
    loads = workloads()
    apps = {impl: build(impl) for impl in IMPLS}
    verify(apps, loads)
    loop = asyncio.new_event_loop()
    calls: Dict[str, int] = {}
    for workload in loads:  # calibrate on the slowest implementation, the quickest of three tries
        probe = min(loop.run_until_complete(_loop(apps["starlette"], workload.scope, 200)) for _ in range(3)) / 200
        calls[workload.name] = max(20, int(sample_ms * 1e6 / probe))
    per_call: Dict[str, Dict[str, List[float]]] = {w.name: {impl: [] for impl in IMPLS} for w in loads}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for round_number in range(rounds):
            for workload in loads:
                order = IMPLS[round_number % len(IMPLS) :] + IMPLS[: round_number % len(IMPLS)]
                for impl in order:
                    n = calls[workload.name]
                    per_call[workload.name][impl].append(loop.run_until_complete(_loop(apps[impl], workload.scope, n)) / n)
            gc.collect()
            if progress and round_number % 10 == 9:
                print(f"  round {round_number + 1}/{rounds}", file=sys.stderr)
    finally:
        if gc_was_enabled:
            gc.enable()
    results: Dict[str, Any] = {}
    for workload in loads:
        times = per_call[workload.name]
        floor = times["bare"]
        row: Dict[str, Any] = {"bare": statistics.median(floor)}
        for impl in IMPLS[1:]:
            row[impl] = statistics.median([t - b for t, b in zip(times[impl], floor)])
        row["ratio"] = row["wsgi_cors"] / row["starlette"] if row["starlette"] > 0 else float("nan")
        row["ratio_shim"] = row["wsgi_cors.starlette"] / row["starlette"] if row["starlette"] > 0 else float("nan")
        row["target"] = TARGETS[workload.name]
        results[workload.name] = row
    return {"rounds": rounds, "python": platform.python_version(), "results": results}


def _ns(value: float) -> str:
    return f"{value / 1000:.2f} µs" if abs(value) >= 1000 else f"{value:.0f} ns"


def markdown(report: Dict[str, Any]) -> str:
    lines = [
        f"ASGI, in-process, CPython {report['python']}, median of {report['rounds']} rounds (overhead over the bare app)",
        "",
        "| workload | bare app | Starlette CORSMiddleware | wsgi_cors.asgi | wsgi_cors.starlette | ours ÷ Starlette | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in report["results"].items():
        verdict = "PASS" if row["ratio"] <= row["target"] else "FAIL"
        lines.append(
            f"| {name} | {_ns(row['bare'])} | +{_ns(row['starlette'])} | +{_ns(row['wsgi_cors'])} | "
            f"+{_ns(row['wsgi_cors.starlette'])} | {row['ratio']:.2f}x ({row['ratio_shim']:.2f}x) | "
            f"≤ {row['target']}x {verdict} |"
        )
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.asgi_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two short rounds: checks the harness, not the speed")
    parser.add_argument("--rounds", type=int, help="rounds of interleaved samples (default 100, quick 2)")
    parser.add_argument("--sample-ms", type=float, help="target duration of one sample (default 3 ms, quick 0.2)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 100)
    sample_ms = args.sample_ms or (0.2 if args.quick else 3.0)
    report = run(rounds, sample_ms, progress=not args.quick)
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
