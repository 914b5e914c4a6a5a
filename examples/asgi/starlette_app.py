"""A Starlette API behind wsgi_cors's Starlette-compatible middleware: the move is the import line.

    # before:  from starlette.middleware.cors import CORSMiddleware
    from wsgi_cors.starlette import CORSMiddleware

Run it:  uvicorn examples.asgi.starlette_app:app --port 8000
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from wsgi_cors.starlette import CORSMiddleware

ITEMS = [{"id": 1, "name": "first item"}]


async def items(request: Request) -> Any:
    if request.method == "POST":
        item = {"id": len(ITEMS) + 1, "name": (await request.json())["name"]}
        return JSONResponse(item, status_code=201)
    return JSONResponse({"items": ITEMS})


async def home(request: Request) -> Any:
    return PlainTextResponse("Starlette home\n")


app = Starlette(routes=[Route("/", home), Route("/api/items", items, methods=["GET", "POST"])])
# Added last, so it is the outermost layer: preflights are answered before anything else runs.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],
    allow_methods=["GET", "POST"],
    allow_headers=["X-Api-Key"],
    max_age=600,
)
