import marshmallow
import pytest
from flask import Blueprint

from core.errors import ConflictError, IllegalTransitionError, NotFoundError, PermissionDeniedError, ValidationError


class _Schema(marshmallow.Schema):
    quantity = marshmallow.fields.Integer(required=True)


@pytest.fixture
def failing_client(make_app):
    bp = Blueprint("failing", __name__)
    errors = {
        "missing": NotFoundError("No such subscription."),
        "forbidden": PermissionDeniedError("Your team may not purchase."),
        "conflict": ConflictError("The order was already confirmed."),
        "transition": IllegalTransitionError("subscription", "cancelled", "active"),
        "invalid": ValidationError({"quantity": ["Must be at least 1."]}),
        "crash": RuntimeError("database password is hunter2"),
    }

    def fail(name):
        raise errors[name]

    def load():
        _Schema().load({"quantity": "many"})

    for prefix in ("/api/v1/fail", "/fail"):
        bp.add_url_rule(f"{prefix}/<name>", f"fail{prefix.replace('/', '_')}", fail)
    bp.add_url_rule("/api/v1/load", "load", load, methods=["POST"])
    app = make_app()
    app.register_blueprint(bp)
    return app.test_client()


@pytest.mark.parametrize(
    ("name", "status", "title"),
    [
        ("missing", 404, "Not found"),
        ("forbidden", 403, "Not allowed"),
        ("conflict", 409, "Conflict"),
        ("transition", 409, "Illegal state transition"),
        ("invalid", 422, "Invalid input"),
    ],
)
def test_domain_errors_answer_problem_details_on_the_api(failing_client, name, status, title):
    response = failing_client.get(f"/api/v1/fail/{name}")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == status
    assert response.json["title"] == title
    assert response.json["detail"]


def test_validation_problems_name_the_fields(failing_client):
    assert failing_client.get("/api/v1/fail/invalid").json["fields"] == {"quantity": ["Must be at least 1."]}
    response = failing_client.post("/api/v1/load")
    assert response.status_code == 422
    assert response.json["fields"] == {"quantity": ["Not a valid integer."]}


def test_people_get_a_friendly_page(failing_client):
    response = failing_client.get("/fail/transition", headers={"Accept": "text/html"})
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Illegal state transition" in page
    assert "A subscription cannot go from &#39;cancelled&#39; to &#39;active&#39;." in page
    assert response.headers["X-Request-ID"] in page


def test_an_unexpected_error_reveals_nothing(failing_client, caplog):
    for path, accept in (("/api/v1/fail/crash", "application/json"), ("/fail/crash", "text/html")):
        response = failing_client.get(path, headers={"Accept": accept})
        assert response.status_code == 500
        assert "hunter2" not in response.get_data(as_text=True)
    assert "hunter2" in caplog.text, "the details go to the log"


def test_unknown_pages_and_methods(failing_client):
    assert failing_client.get("/api/v1/nothing-here").mimetype == "application/problem+json"
    assert failing_client.get("/nothing-here", headers={"Accept": "text/html"}).mimetype == "text/html"
    response = failing_client.delete("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
