"""The Flask door's features, each on a real Flask app: Flask-CORS's API with the WSGI door's guarantees."""

from __future__ import annotations

import warnings
from typing import Any

import flask_cors
import pytest
from flask import Blueprint, Flask, abort, request
from flask.views import MethodView

import wsgi_cors.flask as door
from wsgi_cors import ConfigError, CORSConfigWarning, CORSMiddleware, IgnoredSettingsWarning
from wsgi_cors.flask import CORS, cross_origin
from wsgi_cors.testing import check_preflight, check_response, preflight_headers

READER = "https://reader.example"
WRITER = "https://writer.example"
OTHER = "https://other.example"
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"


def grant(response: Any) -> tuple[Any, Any]:
    return response.headers.get(ACAO), response.headers.get(ACAC)


def preflight(client: Any, path: str, origin: str, method: str, headers: tuple[str, ...] = ()) -> Any:
    return client.options(path, headers=preflight_headers(origin=origin, method=method, request_headers=list(headers)))


def test_star_import_gives_the_flask_cors_names() -> None:
    namespace: dict[str, Any] = {}
    exec("from wsgi_cors.flask import *", namespace)
    assert {"CORS", "cross_origin"} <= set(namespace) and door.__all__ == ["CORS", "cross_origin"]


# --- per-method policies: each method's origin gets exactly its own grant, never the union --------------------------------


def method_view_app() -> Flask:
    app = Flask("per_method")
    CORS(app, resources={})  # the door, with no app-wide rule

    class Items(MethodView):
        @cross_origin(origins=[READER])
        def get(self, item_id: int) -> Any:
            return {"item": item_id}

        @cross_origin(origins=[WRITER], methods=["POST"], supports_credentials=True)
        def post(self, item_id: int) -> Any:
            return {"created": item_id}

    app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items"))
    return app


def restful_app() -> Flask:
    from flask_restful import Api, Resource

    app = Flask("restful")
    CORS(app, resources={})
    api = Api(app)

    class UserResource(Resource):
        @cross_origin(origins=[READER])
        def get(self, item_id: int) -> Any:
            return {"user_id": item_id}

        @cross_origin(origins=[WRITER], methods=["POST"], supports_credentials=True)
        def post(self, item_id: int) -> Any:
            return {"created": True}

    api.add_resource(UserResource, "/items/<int:item_id>")
    return app


@pytest.mark.parametrize("make_app", [method_view_app, restful_app], ids=["MethodView", "flask-restful"])
def test_each_method_grants_only_its_own_origin(make_app: Any) -> None:
    client = make_app().test_client()
    # GET: the reader, without credentials; the writer never.
    assert grant(client.get("/items/7", headers={"Origin": READER})) == (READER, None)
    assert grant(client.get("/items/7", headers={"Origin": WRITER})) == (None, None)
    assert grant(client.head("/items/7", headers={"Origin": READER})) == (READER, None)  # HEAD is answered by get()
    # POST: the writer, with credentials; the reader never, neither its preflight nor a simple POST.
    ok = preflight(client, "/items/7", WRITER, "POST", ("content-type",))
    assert check_preflight(origin=WRITER, method="POST", request_headers=["content-type"], credentials=True, response=ok)
    refused = preflight(client, "/items/7", READER, "POST", ("content-type",))
    assert refused.status_code == 403 and grant(refused) == (None, None)
    assert grant(client.post("/items/7", headers={"Origin": WRITER})) == (WRITER, "true")
    assert grant(client.post("/items/7", headers={"Origin": READER})) == (None, None)
    # The GET preflight is the reader's: the writer's credentials never extend to GET.
    assert preflight(client, "/items/7", WRITER, "GET", ("x-trace",)).status_code == 403
    reader_get = preflight(client, "/items/7", READER, "GET", ("x-trace",))
    assert reader_get.status_code == 200 and ACAC not in reader_get.headers


def test_class_level_decorators_and_method_decorators_apply_to_their_methods() -> None:
    from flask_restful import Api, Resource

    app = Flask("class_level")
    CORS(app, resources={})

    class Whole(MethodView):
        decorators = [cross_origin(origins=[READER])]

        def get(self) -> Any:
            return {"whole": True}

    class PerMethod(Resource):
        method_decorators = {"post": [cross_origin(origins=[WRITER])]}

        def get(self) -> Any:
            return {"get": True}

        def post(self) -> Any:
            return {"post": True}

    app.add_url_rule("/whole", view_func=Whole.as_view("whole"))
    Api(app).add_resource(PerMethod, "/per-method")
    client = app.test_client()
    assert grant(client.get("/whole", headers={"Origin": READER})) == (READER, None)
    assert grant(client.post("/per-method", headers={"Origin": WRITER})) == (WRITER, None)
    assert grant(client.get("/per-method", headers={"Origin": WRITER})) == (None, None)  # get() is not decorated: no CORS


# --- the door's guarantees ----------------------------------------------------------------------------------------------


def hooked_app(cors: Any, cross: Any) -> Flask:
    app = Flask("hooked")
    cors(app, origins=[READER], supports_credentials=True)

    @app.before_request
    def require_login() -> None:
        if request.cookies.get("session") != "ok":
            abort(401)

    @app.route("/api/me", methods=["GET", "PUT"])
    @cross(origins=[WRITER], supports_credentials=True)
    def me() -> Any:
        return {"me": True}

    @app.route("/api/other")
    def other() -> Any:
        return {"other": True}

    return app


def test_preflights_are_answered_before_a_login_hook_and_errors_carry_cors_headers() -> None:
    ours = hooked_app(CORS, cross_origin).test_client()
    theirs = hooked_app(flask_cors.CORS, flask_cors.cross_origin).test_client()
    # Flask-CORS: the hook answers the preflight 401, and the browser blocks the PUT (README row 7).
    assert not check_preflight(
        origin=WRITER,
        method="PUT",
        request_headers=["content-type"],
        credentials=True,
        response=preflight(theirs, "/api/me", WRITER, "PUT", ("content-type",)),
    )
    answered = preflight(ours, "/api/me", WRITER, "PUT", ("content-type",))
    assert check_preflight(origin=WRITER, method="PUT", request_headers=["content-type"], credentials=True, response=answered)
    # The hook's 401 carries the view's grant: the page can read it and send the user to log in.
    denied = ours.get("/api/me", headers={"Origin": WRITER})
    assert denied.status_code == 401 and check_response(origin=WRITER, credentials=True, response=denied)
    assert grant(ours.get("/api/other", headers={"Origin": READER})) == (READER, "true")
    assert grant(ours.get("/api/me", headers={"Origin": READER})) == (None, None)  # the view's decorator wins for its view


def test_exceptions_in_a_view_answer_500_with_the_views_grant() -> None:
    app = Flask("crash")
    CORS(app, origins=[READER])

    @app.route("/boom")
    @cross_origin(origins=[WRITER])
    def boom() -> Any:
        raise RuntimeError("view crashed")

    response = app.test_client().get("/boom", headers={"Origin": WRITER})
    assert response.status_code == 500 and grant(response) == (WRITER, None)


def test_decorator_without_cors_app_works_inside_the_view_as_flask_cors_does() -> None:
    app = Flask("no_door")

    @app.before_request
    def require_login() -> None:
        if request.method == "OPTIONS" and request.path == "/hooked":
            abort(401)

    @app.route("/open", methods=["GET", "PUT"])
    @cross_origin(origins=[READER], max_age=60)
    def open_view() -> Any:
        return {"open": True}

    @app.route("/hooked", methods=["PUT"])
    @cross_origin(origins=[READER])
    def hooked() -> Any:
        return {"hooked": True}

    client = app.test_client()
    assert grant(client.get("/open", headers={"Origin": READER})) == (READER, None)
    assert grant(client.get("/open", headers={"Origin": OTHER})) == (None, None)
    answered = preflight(client, "/open", READER, "PUT", ("content-type",))
    verdict = check_preflight(origin=READER, method="PUT", request_headers=["content-type"], response=answered)
    assert verdict.ok and verdict.max_age == 60
    assert preflight(client, "/open", OTHER, "PUT").status_code == 403
    # What differs without the door (docs/flask.md): hooks run before the preflight, as with Flask-CORS.
    assert preflight(client, "/hooked", READER, "PUT").status_code == 401


def test_converter_and_blueprint_views() -> None:
    app = Flask("blueprints")
    CORS(app, origins=[OTHER])
    api = Blueprint("api", __name__, url_prefix="/api")
    CORS(api, origins=[READER])
    admin = Blueprint("admin", __name__)

    @api.route("/users/<int:user_id>")
    def user(user_id: int) -> Any:
        return {"user": user_id}

    @admin.route("/reports/<slug>")
    @cross_origin(origins=[WRITER], supports_credentials=True)
    def report(slug: str) -> Any:
        return {"report": slug}

    @app.route("/home")
    def home() -> Any:
        return "home"

    app.register_blueprint(api)
    app.register_blueprint(admin, url_prefix="/admin")
    client = app.test_client()
    assert grant(client.get("/api/users/3", headers={"Origin": READER})) == (READER, None)
    assert grant(client.get("/api/users/3", headers={"Origin": OTHER})) == (None, None)  # the blueprint's policy wins
    assert grant(client.get("/admin/reports/q1", headers={"Origin": WRITER})) == (WRITER, "true")
    assert grant(client.get("/admin/reports/q1", headers={"Origin": OTHER})) == (None, None)
    assert grant(client.get("/home", headers={"Origin": OTHER})) == (OTHER, None)
    assert grant(client.get("/api/users/x", headers={"Origin": OTHER})) == (OTHER, None)  # 404: no view, the app's rules


def test_route_syntax_in_resources_names_the_route() -> None:
    app = Flask("routes")
    CORS(app, resources={"/api/users/<int:user_id>": {"origins": [READER]}, r"/api/*": {"origins": [OTHER]}})

    @app.route("/api/users/<int:user_id>")
    def user(user_id: int) -> Any:
        return {"user": user_id}

    @app.route("/api/users/me")
    def me() -> Any:
        return {"me": True}

    client = app.test_client()
    assert grant(client.get("/api/users/7", headers={"Origin": READER})) == (READER, None)
    assert grant(client.get("/api/users/7", headers={"Origin": OTHER})) == (None, None)
    assert grant(client.get("/api/users/me", headers={"Origin": OTHER})) == (OTHER, None)


def test_route_syntax_naming_no_route_warns() -> None:
    app = Flask("missing_route")
    CORS(app, resources={"/api/user/<int:user_id>": {"origins": [READER]}})

    @app.route("/api/users/<int:user_id>")
    def user(user_id: int) -> Any:
        return {"user": user_id}

    with pytest.warns(CORSConfigWarning, match=r"/api/user/<int:user_id>"):
        app.test_client().get("/api/users/7", headers={"Origin": READER})


def test_route_syntax_is_refused_by_the_plain_middleware_with_the_fix() -> None:
    with pytest.raises(ConfigError, match=r"wsgi_cors\.flask\.CORS\(app\).*r'/api/users/\[0-9\]\+'"):
        CORSMiddleware(lambda environ, start_response: [], resources={"/api/users/<int:user_id>": {"origins": [READER]}})


# --- options, app.config and precedence, as Flask-CORS ---------------------------------------------------------------------


def configured_app(cors: Any, config: dict[str, Any], init: dict[str, Any], constructor: dict[str, Any]) -> Flask:
    app = Flask("configured")
    app.config.update(config)
    cors(**constructor).init_app(app, **init)

    @app.route("/api/data", methods=["GET", "PUT"])
    def data() -> Any:
        return {"data": True}

    return app


PRECEDENCE = [
    ({"CORS_ORIGINS": [READER]}, {}, {}),
    (
        {"CORS_ORIGINS": [READER], "CORS_SUPPORTS_CREDENTIALS": True, "CORS_MAX_AGE": 600, "CORS_EXPOSE_HEADERS": ["X-Total"]},
        {},
        {},
    ),
    ({"CORS_ORIGINS": [READER]}, {}, {"origins": [WRITER]}),
    ({"CORS_ORIGINS": [READER]}, {"origins": [OTHER]}, {"origins": [WRITER]}),
    ({"CORS_ORIGINS": [READER], "CORS_RESOURCES": {r"/api/*": {"origins": [WRITER]}}}, {}, {}),
    ({"CORS_METHODS": ["GET"], "CORS_ALLOW_HEADERS": ["X-Api"]}, {"origins": [READER]}, {}),
    ({"CORS_ORIGINS": [READER]}, {"resources": {r"/api/*": {"origins": [OTHER]}}}, {}),
    ({"CORS_ALWAYS_SEND": False, "CORS_ORIGINS": READER}, {}, {}),
]


# Two cases set a top-level origins that their only rule overrides: wsgi_cors warns that it applies nowhere (W011).
@pytest.mark.filterwarnings(r"ignore:.*\[wsgi_cors\.W011\]:wsgi_cors.errors.CORSConfigWarning")
@pytest.mark.parametrize(("config", "init", "constructor"), PRECEDENCE)
def test_app_config_keyword_and_resource_precedence_is_flask_corss(config: Any, init: Any, constructor: Any) -> None:
    ours = configured_app(CORS, config, init, constructor).test_client()
    theirs = configured_app(flask_cors.CORS, config, init, constructor).test_client()
    for origin in (READER, WRITER, OTHER):
        ours_get, theirs_get = (
            ours.get("/api/data", headers={"Origin": origin}),
            theirs.get("/api/data", headers={"Origin": origin}),
        )
        assert grant(ours_get) == grant(theirs_get), (origin, config, init, constructor)
        assert ours_get.headers.get("Access-Control-Expose-Headers") == theirs_get.headers.get("Access-Control-Expose-Headers")
        # A preflight is compared as the browser judges it (a refusal is a 403 here, headers without Allow-Methods there).
        judged = [
            check_preflight(
                origin=origin,
                method="PUT",
                request_headers=["x-api"],
                response=preflight(client, "/api/data", origin, "PUT", ("x-api",)),
            )
            for client in (ours, theirs)
        ]
        assert (judged[0].ok, judged[0].max_age) == (judged[1].ok, judged[1].max_age), (origin, judged)
    assert grant(ours.get("/api/data")) == grant(theirs.get("/api/data"))  # always_send, no Origin


def test_a_decorator_takes_the_apps_cors_keys_as_defaults() -> None:
    app = Flask("decorator_config")
    app.config.update(CORS_ORIGINS=[READER], CORS_SUPPORTS_CREDENTIALS=True)

    @app.route("/x")
    @cross_origin(max_age=30)  # origins "*" with credentials alone would be refused; the app's CORS_ORIGINS completes it
    def x() -> Any:
        return "x"

    client = app.test_client()
    assert grant(client.get("/x", headers={"Origin": READER})) == (READER, "true")
    assert grant(client.get("/x", headers={"Origin": OTHER})) == (None, None)


def test_bad_decorators_fail_at_decoration_time_with_the_fix() -> None:
    with pytest.raises(ConfigError, match="did you mean supports_credentials|write supports_credentials="):
        cross_origin(allow_credentials=True)
    with pytest.raises(ConfigError, match="resources"):
        cross_origin(resources=r"/api/*")
    with pytest.raises(TypeError, match=r"@cross_origin\(\)"):
        cross_origin(lambda: None)
    with pytest.raises(ConfigError):
        cross_origin(origins="*", supports_credentials=True)  # README row 3, refused at once


def test_automatic_options_false_lets_the_view_answer_the_preflight() -> None:
    app = Flask("manual_options")
    CORS(app, resources={})

    @app.route("/manual", methods=["GET", "OPTIONS"])
    @cross_origin(origins=[READER], automatic_options=False)
    def manual() -> Any:
        return ("manual", 202) if request.method == "OPTIONS" else "get"

    answered = preflight(app.test_client(), "/manual", READER, "GET", ("x-trace",))
    assert answered.status_code == 202 and answered.get_data() == b"manual" and grant(answered) == (READER, None)


def test_one_policy_per_decorator_configuration_never_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []
    original = door.CORSPolicy

    class Counting(original):  # type: ignore[misc,valid-type]
        def __init__(self, **options: Any) -> None:
            built.append(options)
            super().__init__(**options)

    monkeypatch.setattr(door, "CORSPolicy", Counting)
    app = Flask("counting")
    CORS(app, origins=[OTHER])
    shared = cross_origin(origins=[READER])

    @app.route("/a")
    @shared
    def a() -> Any:
        return "a"

    @app.route("/b")
    @shared
    def b() -> Any:
        return "b"

    assert len(built) == 2  # the app's, the decorator's: both before any request
    client = app.test_client()
    for _ in range(5):
        for path in ("/a", "/b"):
            assert grant(client.get(path, headers={"Origin": READER})) == (READER, None)
            client.options(path, headers=preflight_headers(origin=READER, method="PUT"))
    assert len(built) == 2


# --- no silent allow-all (issue 11, item 4) -------------------------------------------------------------------------------


def test_plain_middleware_on_a_flask_app_with_cors_keys_warns_naming_them(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Flask("ignored")
    app.config["CORS_ORIGINS"] = [READER]
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    with pytest.warns(IgnoredSettingsWarning, match=r"CORS_ORIGINS, CORS_SUPPORTS_CREDENTIALS.*wsgi_cors\.flask import CORS"):
        CORSMiddleware(app.wsgi_app, origins=[READER])


def test_plain_constructor_warns_about_wsgi_cors_variables_and_from_config_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WSGI_CORS_ORIGINS", READER)

    def app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return []

    with pytest.warns(IgnoredSettingsWarning, match=r"WSGI_CORS_ORIGINS.*from_config"):
        CORSMiddleware(app)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IgnoredSettingsWarning)
        middleware = CORSMiddleware.from_config(app)
    assert middleware.policy.evaluate_request("/x", READER).allowed
    assert not middleware.policy.evaluate_request("/x", OTHER).allowed
