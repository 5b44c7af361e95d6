from plugin_kit.testing import free_port


def test_healthy_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "broker": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_broker_that_is_down_is_named(make_app):
    app = make_app(broker_url=f"redis://127.0.0.1:{free_port()}/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "ok", "broker": "down"}


def test_a_database_that_is_down_is_named(make_app, tmp_path):
    app = make_app(database_url=f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "down"
    assert response.json["status"] == "unavailable"
