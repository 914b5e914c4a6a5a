"""A bare WSGI callable behind CORSMiddleware: no framework at all.

Run it:  python examples/plain_app.py   (serves http://127.0.0.1:8000 with wsgiref)
Try it:  curl -i -H 'Origin: http://localhost:3000' http://127.0.0.1:8000/api/hello
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable

from wsgi_cors import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def hello(environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
    """Answers every path with a small JSON document."""
    body = json.dumps({"message": "hello from a plain WSGI app", "path": environ.get("PATH_INFO", "/")}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("X-Request-Count", "1")])
    return [body]


application = CORSMiddleware(
    hello,
    origins=["http://localhost:3000", "https://*.example.com"],
    expose_headers=["X-Request-Count"],
    max_age=600,
)

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, application) as server:
        print("Serving a plain WSGI app with CORS on http://127.0.0.1:8000 (Ctrl-C to stop)")
        server.serve_forever()
