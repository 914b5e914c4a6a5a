"""examples/flask_door.py does what its docstring says."""

from __future__ import annotations

from examples.flask_door import ADMIN, APP, app
from wsgi_cors.testing import check_preflight, check_response, preflight_headers


def test_the_example_grants_each_view_its_own_policy() -> None:
    client = app.test_client()
    listed = client.get("/api/items", headers={"Origin": APP})
    assert check_response(origin=APP, response=listed).exposed_headers >= {"x-total-count"}
    put = client.options(
        "/api/items/1", headers=preflight_headers(origin=ADMIN, method="PUT", request_headers=["content-type", "authorization"])
    )
    verdict = check_preflight(
        origin=ADMIN, method="PUT", request_headers=["content-type", "authorization"], credentials=True, response=put
    )
    assert verdict.ok and verdict.max_age == 600
    assert client.options("/api/items/1", headers=preflight_headers(origin=APP, method="PUT")).status_code == 403
    assert check_response(origin=APP, response=client.get("/api/items/1", headers={"Origin": APP}))
    assert client.get("/public/status", headers={"Origin": "https://any.example"}).headers["Access-Control-Allow-Origin"] == "*"
    widget = client.get("/widgets/clock.json", headers={"Origin": "https://partner.example"})
    assert widget.status_code == 200 and check_response(origin="https://partner.example", response=widget)
    assert not check_response(origin=APP, response=client.get("/widgets/clock.json", headers={"Origin": APP}))
    denied = client.put("/api/items/1", headers={"Origin": ADMIN}, json={"name": "x"})
    assert denied.status_code == 401 and check_response(origin=ADMIN, credentials=True, response=denied)
