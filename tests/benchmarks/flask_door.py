"""The Flask door's cost per request, side by side: what the URL-map look-up adds when views carry their own policy.

    PYTHONPATH=. python -m tests.benchmarks.flask_door [--seconds 0.5]

Every variant is the same Flask app (``/api/items`` and ``/api/users/<int:user_id>``) called in-process
as WSGI, an allowed GET with Origin and an allowed preflight: the bare app; ``CORSMiddleware`` around
``app.wsgi_app``; ``wsgi_cors.flask.CORS(app)`` with no decorated view (the door skips the URL map);
the same with one ``@cross_origin`` view elsewhere (every request now asks the URL map), to an
undecorated view and to the decorated one; and Flask-CORS 6. Microseconds per request, median of 5 runs.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import warnings
from typing import Any, Callable

ORIGIN = "https://app.example.com"


def environ(method: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": "localhost",
    }
    env.update({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})
    return env


def make_app(variant: str) -> Any:
    from flask import Flask

    app = Flask(f"bench_{variant}")

    @app.route("/api/items")
    def items() -> Any:
        return {"items": []}

    if variant in ("door+decorated", "door+decorated->decorated"):
        from wsgi_cors.flask import cross_origin

        @app.route("/api/users/<int:user_id>")
        @cross_origin(origins=[ORIGIN])
        def user(user_id: int) -> Any:
            return {"user": user_id}
    else:

        @app.route("/api/users/<int:user_id>")
        def user(user_id: int) -> Any:
            return {"user": user_id}

    if variant == "middleware":
        from wsgi_cors import CORSMiddleware

        app.wsgi_app = CORSMiddleware(app.wsgi_app, origins=[ORIGIN])  # type: ignore[method-assign]
    elif variant.startswith("door"):
        from wsgi_cors.flask import CORS

        CORS(app, origins=[ORIGIN])
    elif variant == "flask-cors":
        from flask_cors import CORS as FlaskCORS

        FlaskCORS(app, origins=[ORIGIN])
    return app


def per_request(app: Any, env: dict[str, Any], seconds: float) -> float:
    def start_response(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], None]:
        return lambda data: None

    def once() -> None:
        result = app(dict(env), start_response)
        for _ in result:
            pass
        close = getattr(result, "close", None)
        if close is not None:
            close()

    for _ in range(200):
        once()
    runs = []
    for _ in range(5):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for _ in range(50):
                once()
            count += 50
        runs.append((time.perf_counter() - started) / count * 1e6)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="time per run (5 runs per figure)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    get = {"Origin": ORIGIN}
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"}
    variants = ["bare", "middleware", "door", "door+decorated", "door+decorated->decorated", "flask-cors"]
    print(f"{'variant':28} {'GET us':>9} {'preflight us':>13}")
    for variant in variants:
        path = "/api/users/7" if variant.endswith("->decorated") else "/api/items"
        app = make_app(variant)
        get_cost = per_request(app, environ("GET", path, get), args.seconds)
        preflight_cost = per_request(app, environ("OPTIONS", path, preflight), args.seconds)
        print(f"{variant:28} {get_cost:9.1f} {preflight_cost:13.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
