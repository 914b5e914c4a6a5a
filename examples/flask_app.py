"""A Flask API behind CORSMiddleware: the one-line move from Flask-CORS.

    # before:  CORS(app, origins=[...], supports_credentials=True)
    app.wsgi_app = CORSMiddleware(app.wsgi_app, origins=[...], supports_credentials=True)

Run it:  python examples/flask_app.py [--port 8000]   (Werkzeug's server on 127.0.0.1)
Try it:  curl -i -X OPTIONS http://127.0.0.1:8000/api/items \\
              -H 'Origin: http://localhost:3000' -H 'Access-Control-Request-Method: PUT' \\
              -H 'Access-Control-Request-Headers: content-type,authorization'
Open http://127.0.0.1:8000/ in a browser: the page there calls the API from another origin
(http://localhost:8000 vs http://127.0.0.1:8000) and shows what the browser allowed.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from flask import Flask, jsonify, request

from wsgi_cors import CORSMiddleware

app = Flask(__name__)
ITEMS: dict[str, Any] = {"1": {"id": "1", "name": "first item"}}


@app.before_request
def require_token_for_writes() -> Any:
    """An auth check like real apps have: preflights never reach it, because the middleware answers them."""
    if request.method in ("PUT", "DELETE") and request.headers.get("Authorization") != "Bearer demo-token":
        return jsonify(error="missing or wrong token"), 401
    return None


@app.get("/api/items")
def list_items() -> Any:
    response = jsonify(list(ITEMS.values()))
    response.headers["X-Total-Count"] = str(len(ITEMS))
    return response


@app.put("/api/items/<item_id>")
def put_item(item_id: str) -> Any:
    ITEMS[item_id] = {"id": item_id, **(request.get_json(silent=True) or {})}
    return jsonify(ITEMS[item_id])


@app.get("/public/status")
def status() -> Any:
    return jsonify(status="ok")


PAGE = """<!doctype html><meta charset="utf-8"><title>wsgi_cors demo</title>
<h1>wsgi_cors demo</h1><p>This page is served from <code>%(page_origin)s</code> and calls the API at
<code>%(api_origin)s</code>, another origin, with <code>fetch()</code>:</p><pre id="out">running...</pre>
<script>
const api = "%(api_origin)s", out = document.getElementById("out"), lines = [];
async function attempt(label, path, init) {
  try { const r = await fetch(api + path, init);
        lines.push(label + ": allowed, status " + r.status + ", X-Total-Count=" + r.headers.get("X-Total-Count")); }
  catch (e) { lines.push(label + ": BLOCKED by the browser (" + e + ")"); }
  out.textContent = lines.join("\\n");
}
(async () => {
  await attempt("GET /api/items", "/api/items");
  await attempt("PUT /api/items/2 (preflighted)", "/api/items/2", {method: "PUT",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer demo-token"}, body: '{"name":"second"}'});
  await attempt("GET /public/status", "/public/status");
  await attempt("GET /api/items with an unlisted X-Debug header", "/api/items", {headers: {"X-Debug": "1"}});
})();
</script>"""


@app.get("/")
def demo_page() -> Any:
    """A page that calls the API cross-origin (127.0.0.1 and localhost are different origins)."""
    host = request.host
    port = host.rsplit(":", 1)[-1] if ":" in host else "80"
    other = f"http://localhost:{port}" if host.startswith("127.0.0.1") else f"http://127.0.0.1:{port}"
    return PAGE % {"page_origin": request.host_url.rstrip("/"), "api_origin": other}


app.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]
    app.wsgi_app,
    resources={
        r"/api/*": {
            "origins": ["http://localhost:3000", "http://127.0.0.1:*", "http://localhost:*", "https://*.example.com"],
            "supports_credentials": True,
            "allow_headers": ["Content-Type", "Authorization"],
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        },
        r"/public/*": {"origins": "*", "send_wildcard": True},
    },
)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the wsgi_cors Flask example on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8000)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    print(f"Serving the Flask example with CORS on http://127.0.0.1:{arguments.port}/ (open it in a browser; Ctrl-C to stop)")
    app.run(host="127.0.0.1", port=arguments.port)


if __name__ == "__main__":
    main()
