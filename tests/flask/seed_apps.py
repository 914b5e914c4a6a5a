"""Every Flask-CORS usage example of the seed documents (../shared/seeds/), as the seed writes it.

Each entry is the example's source, indentation restored, with its ``flask_cors`` import exactly as
the seed has it; :func:`build` runs it as Flask-CORS 6 or, with only that import changed, as
``wsgi_cors.flask``. Two edits outside the CORS import, both to let the seed run at all: the
custom-OPTIONS example uses ``request`` without importing it (added to its ``flask`` import), and
the Flask-Login example imports ``login_required`` from this module (:func:`login_required`, a
real decorator with Flask-Login's behaviour for an anonymous request: 401), because Flask-Login
is not a dependency of this project. The seeds' ``if __name__ == "__main__": app.run()`` tails are
left out (the tests serve the apps themselves). Seeds that configure ``app`` without defining a view
(001, 003's variants) get an ``/api/data``-style view to be called; the Flask-CORS quickstart (002)
uses ``cross_origin`` with the two import lines of its "Imports" section.
"""

from __future__ import annotations

import functools
import types
from typing import Any, Callable

from flask import abort, request

SEED_000 = "000_28a803d5455590f9.txt"
SEED_001 = "001_6488b02df9ad725d.txt"
SEED_002 = "002_8066d5d71e5056d1.txt"
SEED_003 = "003_138edef5db037e8c.txt"
SEED_004 = "004_88d4b79f95a21613.txt"


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Flask-Login's login_required for an anonymous user: 401 (LoginManager without a login_view)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.cookies.get("session") != "logged-in":
            abort(401)
        return view(*args, **kwargs)

    return wrapper


# name -> (seed file, source)
SEEDS: dict[str, tuple[str, str]] = {
    "single-origin": (
        SEED_000,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, origins=["https://example.com"])
@app.route("/api/data")
def get_data():
    return {"message": "CORS enabled"}
""",
    ),
    "multiple-origins": (
        SEED_000,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
# Allow multiple specific origins
cors = CORS(app, origins=[
"https://example.com",
"https://app.example.com",
"https://admin.example.com"
])
@app.route("/api/data")
def get_data():
    return {"message": "CORS enabled"}
""",
    ),
    "credentials": (
        SEED_000,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
# Enable credentials (cookies, authorization headers)
cors = CORS(
app,
origins=["https://example.com"],
supports_credentials=True
)
@app.route("/api/secure")
def secure_endpoint():
    return {"message": "Authenticated request"}
""",
    ),
    "specific-routes": (
        SEED_000,
        """
from flask import Flask
from flask_cors import CORS, cross_origin
app = Flask(__name__)
# Public endpoint with CORS
@app.route("/api/public")
@cross_origin(origins=["*"])
def public_api():
    return {"message": "Public endpoint"}
# Private endpoint with restricted CORS
@app.route("/api/private")
@cross_origin(
origins=["https://example.com"],
supports_credentials=True
)
def private_api():
    return {"message": "Private endpoint"}
# No CORS
@app.route("/internal")
def internal_api():
    return {"message": "Internal only"}
""",
    ),
    "all-options": (
        SEED_000,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
cors_config = {
"origins": ["https://example.com", "https://app.example.com"],
"methods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
"allow_headers": ["Content-Type", "Authorization", "X-Requested-With"],
"expose_headers": ["Content-Length", "X-Custom-Header"],
"supports_credentials": True,
"max_age": 86400
}
CORS(app, resources={r"/api/*": cors_config})
@app.route("/api/data")
def get_data():
    return {"message": "CORS enabled with custom config"}
""",
    ),
    "origin-callable": (
        SEED_000,
        '''
from flask import Flask, request
from flask_cors import CORS
app = Flask(__name__)
def check_origin(origin):
    """Custom origin validation logic"""
    allowed_origins = [
    "https://example.com",
    "https://app.example.com"
    ]
    return origin in allowed_origins
CORS(
app,
origins=check_origin,
supports_credentials=True
)
@app.route("/api/data")
def get_data():
    return {"message": "CORS with dynamic validation"}
''',
    ),
    "basic": (
        SEED_001,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app)
@app.route("/api/data")
def get_data():
    return {"message": "data"}
""",
    ),
    "blockedbycors": (
        SEED_001,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app,
  resources={r"/api/*": {
    "origins": "https://blockedbycors.dev",
    "methods": ["GET", "POST"],
    "allow_headers": ["Content-Type"],
    "supports_credentials": True
  }}
)
@app.route("/api/data", methods=["GET", "POST", "PUT"])
def get_data():
    return {"message": "data"}
""",
    ),
    "quickstart": (
        SEED_002,
        """
from flask import Flask
from flask_cors import CORS
from flask_cors import cross_origin
import os
app = Flask(__name__)
CORS(app) # Enable CORS for all routes, for all origins and methods
@app.route("/")
def hello_world():
    return "Hello, cross-origin-world!"
# Example of specific CORS for an API endpoint
@app.route("/api/data")
@cross_origin(origins="http://localhost:3000", methods=["GET", "POST"], supports_credentials=True)
def get_data():
    return {"message": "Data from API!"}
""",
    ),
    "resources-localhost": (
        SEED_003,
        """
from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
CORS(app, resources={r"/api/*": {"origins": "http://localhost:3000"}})

@app.route("/api/data")
def get_data():
    return jsonify({"message": "Hello from Flask!"})
""",
    ),
    "resources-public": (
        SEED_003,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, resources={r"/public/*": {"origins": "*"}})
@app.route("/public/data")
def public_data():
    return {"data": "public"}
@app.route("/api/data")
def get_data():
    return {"data": "private"}
""",
    ),
    "resources-origin-list": (
        SEED_003,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, resources={r"/api/*": {"origins": ["http://localhost:3000", "https://your-frontend.com"]}})
@app.route("/api/data")
def get_data():
    return {"data": "api"}
""",
    ),
    "resources-expose": (
        SEED_003,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, resources={r"/api/*": {"origins": "*", "expose_headers": "X-Total-Count"}})
@app.route("/api/items")
def items():
    return {"items": []}, 200, {"X-Total-Count": "0"}
""",
    ),
    "allow-credentials-misnamed": (
        SEED_003,
        """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, resources={r"/api/*": {"origins": "http://localhost:3000", "allow_credentials": True}})
@app.route("/api/data")
def get_data():
    return {"data": "api"}
""",
    ),
    "decorator-defaults": (
        SEED_004,
        """
from flask import Flask
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/data")
@cross_origin() # Allow all origins with default settings
def get_data():
    return {"message": "CORS-enabled data"}
@app.route("/api/public")
@cross_origin(origins="*") # Explicit wildcard
def public_endpoint():
    return {"data": "public information"}
""",
    ),
    "decorator-origin-lists": (
        SEED_004,
        """
from flask import Flask
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/secure")
@cross_origin(origins=["https://trusted-site.com", "https://app.example.com"])
def secure_endpoint():
    return {"data": "restricted data"}
@app.route("/api/development")
@cross_origin(origins=["http://localhost:3000", "http://localhost:8080"])
def development_endpoint():
    return {"data": "development data"}
""",
    ),
    "decorator-regex": (
        SEED_004,
        r"""
import re
from flask import Flask
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/subdomains")
@cross_origin(origins=r"https://.*\.example\.com")
def subdomain_endpoint():
    return {"data": "subdomain accessible"}
@app.route("/api/pattern")
@cross_origin(origins=[
re.compile(r"https://app\d+\.example\.com"),
"https://main.example.com"
])
def pattern_endpoint():
    return {"data": "pattern matched"}
""",
    ),
    "decorator-methods": (
        SEED_004,
        """
from flask import Flask, request
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/users", methods=["GET", "POST"])
@cross_origin(
origins=["https://frontend.example.com"],
methods=["GET", "POST"],
allow_headers=["Content-Type", "X-Requested-With"]
)
def users_endpoint():
    if request.method == "GET":
        return {"users": []}
    elif request.method == "POST":
        return {"created": True}
""",
    ),
    "decorator-auth": (
        SEED_004,
        """
from flask import Flask
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/auth/profile")
@cross_origin(
origins=["https://app.example.com"],
supports_credentials=True,
allow_headers=["Content-Type", "Authorization"]
)
def user_profile():
    # This route accepts cookies and credentials
    return {"profile": "user data"}
@app.route("/api/auth/login", methods=["POST"])
@cross_origin(
origins=["https://app.example.com"],
supports_credentials=True,
methods=["POST"]
)
def login():
    return {"token": "auth-token"}
""",
    ),
    "decorator-upload": (
        SEED_004,
        """
from flask import Flask
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/upload", methods=["POST"])
@cross_origin(
origins=["https://uploader.example.com"],
allow_headers=["Content-Type", "X-File-Name", "X-Upload-Key"],
expose_headers=["X-Upload-ID", "X-Processing-Status"],
methods=["POST", "OPTIONS"]
)
def file_upload():
    return {"upload_id": "12345", "status": "processing"}
""",
    ),
    "decorator-max-age": (
        SEED_004,
        """
from datetime import timedelta
from flask import Flask
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/heavy-operation", methods=["POST"])
@cross_origin(
origins=["https://client.example.com"],
max_age=timedelta(hours=1), # Cache preflight for 1 hour
methods=["POST"]
)
def heavy_operation():
    # Expensive operation that benefits from preflight caching
    return {"result": "computed"}
@app.route("/api/frequent-calls")
@cross_origin(
origins=["https://dashboard.example.com"],
max_age=3600, # Cache for 1 hour (seconds)
allow_headers=["Content-Type", "Authorization"]
)
def frequent_endpoint():
    return {"data": "frequently accessed"}
""",
    ),
    "decorator-custom-options": (
        SEED_004,
        """
from flask import Flask, jsonify, request
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/custom-options", methods=["GET", "POST", "OPTIONS"])
@cross_origin(
origins=["https://custom.example.com"],
automatic_options=False # Handle OPTIONS manually
)
def custom_options_endpoint():
    if request.method == "OPTIONS":
        # Custom preflight response
        return jsonify({"preflight": "custom response"})
    elif request.method == "GET":
        return {"data": "get response"}
    elif request.method == "POST":
        return {"data": "post response"}
""",
    ),
    "decorator-complex": (
        SEED_004,
        """
from flask import Flask
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/complex")
@cross_origin(
origins=[
"https://prod.example.com", # Production
"https://staging.example.com", # Staging
r"https://.*\\.dev\\.example\\.com", # Development subdomains
"http://localhost:3000" # Local development
],
methods=["GET", "POST", "PUT", "DELETE"],
allow_headers=[
"Content-Type",
"Authorization",
"X-API-Key",
r"X-Custom-.*" # Regex pattern for custom headers
],
expose_headers=["X-Total-Count", "X-Rate-Limit-Remaining"],
supports_credentials=True,
max_age=1800, # 30 minutes
vary_header=True
)
def complex_endpoint():
    return {"data": "complex CORS configuration"}
""",
    ),
    "decorator-login": (
        SEED_004,
        """
from flask import Flask
from tests.flask.seed_apps import login_required
from flask_cors import cross_origin
app = Flask(__name__)
@app.route("/api/protected")
@cross_origin(
origins=["https://app.example.com"],
supports_credentials=True
)
@login_required
def protected_endpoint():
    return {"data": "protected resource"}
""",
    ),
    "flask-restful": (
        SEED_004,
        """
from flask import Flask
from flask_restful import Api, Resource
from flask_cors import cross_origin
app = Flask(__name__)
api = Api(app)
class UserResource(Resource):
    @cross_origin(origins=["https://api-client.example.com"])
    def get(self, user_id):
        return {"user_id": user_id}
    @cross_origin(
    origins=["https://admin.example.com"],
    methods=["POST"],
    supports_credentials=True
    )
    def post(self):
        return {"created": True}
api.add_resource(UserResource, "/api/users/<int:user_id>")
""",
    ),
}


def build(name: str, door: str) -> Any:
    """Run seed ``name`` with Flask-CORS (``door="flask_cors"``) or with only its import changed (``"wsgi_cors.flask"``)."""
    _, source = SEEDS[name]
    if door == "wsgi_cors.flask":
        assert "from flask_cors import" in source
        source = source.replace("from flask_cors import", "from wsgi_cors.flask import")
    module = types.ModuleType(f"seed_{name.replace('-', '_')}")
    exec(compile(source, f"<seed {name}>", "exec"), module.__dict__)
    return module.app
