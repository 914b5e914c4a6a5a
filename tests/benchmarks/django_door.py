"""Cost per request of the Django door beside django-cors-headers, on the same Django app, sync and async.

Run in a process of its own (Django's settings are global)::

    python -m tests.benchmarks.django_door [--calls N]

Each middleware is the only one in ``MIDDLEWARE`` (``tests/benchmarks/django_app.py``, the same view and
the same CORS settings for both); the figure is the time of a whole request through Django's handler
minus the same request through bare Django, the median of several runs. Sync: ``WSGIHandler`` called
with an environ. Async: the middleware awaited around an async view with an ``ASGIRequest``, minus the
view alone (see async_runner).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import time
import warnings
from typing import Any, Callable

from . import django_app
from .apps import ALLOWED_ORIGIN

KINDS = ("django", "django+corsheaders", "django+door")
REQUESTS: dict[str, dict[str, str]] = {
    "preflight, allowed": {
        "REQUEST_METHOD": "OPTIONS",
        "HTTP_ORIGIN": ALLOWED_ORIGIN,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
    },
    "actual, allowed": {"REQUEST_METHOD": "GET", "HTTP_ORIGIN": ALLOWED_ORIGIN},
    "actual, refused": {"REQUEST_METHOD": "GET", "HTTP_ORIGIN": "https://evil.example"},
    "no Origin": {"REQUEST_METHOD": "GET"},
}
RUNS = 7


def environ(extra: dict[str, str]) -> dict[str, Any]:
    return {
        "PATH_INFO": "/api/items",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "QUERY_STRING": "",
        **extra,
    }


def scope(extra: dict[str, str]) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1")]
    for key, value in extra.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").lower().encode(), value.encode()))
    return {
        "type": "http",
        "method": extra["REQUEST_METHOD"],
        "path": "/api/items",
        "raw_path": b"/api/items",
        "query_string": b"",
        "headers": headers,
        "server": ("127.0.0.1", 80),
        "scheme": "http",
        "root_path": "",
    }


def per_call(run: Callable[[int], None], calls: int) -> float:
    run(max(calls // 10, 10))  # warm caches
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run(calls)
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def sync_runner(kind: str, extra: dict[str, str]) -> Callable[[int], None]:
    handler = django_app.handler(kind)

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        return None

    def run(calls: int) -> None:
        for _ in range(calls):
            for _chunk in handler(environ(extra), start_response):
                pass

    return run


def async_runner(kind: str, extra: dict[str, str]) -> Callable[[int], None]:
    """The middleware alone, awaited around an async ``get_response``: Django's ASGI handler would add a thread hop
    for the benchmark's sync view (sync_to_async) whose noise is larger than either middleware."""
    from django.core.handlers.asgi import ASGIRequest
    from django.http import HttpResponse
    from django.utils.module_loading import import_string

    async def view(request: Any) -> Any:
        return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")

    layer: Any = view
    for path in reversed(django_app.MIDDLEWARE[kind]):
        layer = import_string(path)(layer)
    request_scope = scope(extra)

    async def many(calls: int) -> None:
        for _ in range(calls):
            await layer(ASGIRequest(request_scope, io.BytesIO(b"")))

    return lambda calls: asyncio.run(many(calls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    calls = parser.parse_args().calls
    warnings.simplefilter("ignore")
    django_app.configure()
    print(f"{'mode':6} {'request':20} " + " ".join(f"{kind:>22}" for kind in KINDS) + "   overhead: corsheaders / door (us)")
    for mode, runner in (("sync", sync_runner), ("async", async_runner)):
        for name, extra in REQUESTS.items():
            times = {kind: per_call(runner(kind, extra), calls) * 1e6 for kind in KINDS}
            base = times["django"]
            print(
                f"{mode:6} {name:20} "
                + " ".join(f"{times[kind]:20.1f}us" for kind in KINDS)
                + f"   {times['django+corsheaders'] - base:6.1f} / {times['django+door'] - base:6.1f}"
            )


if __name__ == "__main__":
    main()
