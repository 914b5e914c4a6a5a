"""A FastAPI API with one policy for the API and none elsewhere: the generic ASGI door, Flask-CORS's options.

FastAPI re-exports Starlette's middleware; ``wsgi_cors.starlette.CORSMiddleware`` replaces it by the import
alone. This example uses ``wsgi_cors.asgi.CORSMiddleware`` instead, for what Starlette's cannot say: path rules.

Run it:  uvicorn examples.asgi.fastapi_app:app --port 8000
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from wsgi_cors.asgi import CORSMiddleware

app = FastAPI()
ITEMS: list[dict[str, Any]] = [{"id": 1, "name": "first item"}]


class NewItem(BaseModel):
    name: str


@app.get("/")
def home() -> str:
    return "FastAPI home"


@app.get("/api/items")
def list_items() -> dict[str, Any]:
    return {"items": ITEMS}


@app.post("/api/items", status_code=201)
def add_item(item: NewItem) -> dict[str, Any]:
    created = {"id": len(ITEMS) + 1, "name": item.name}
    return created


app.add_middleware(
    CORSMiddleware,
    origins=["https://app.example.com"],
    resources=r"/api/*",
    allow_headers=["Content-Type", "X-Api-Key"],
    max_age=600,
)
