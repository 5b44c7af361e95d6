import io
import json
import logging

from web.logging import log_handler, request_id


def test_each_response_carries_a_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"}).headers["X-Request-ID"] == "lb-1234abcd"
    for hostile in ("<script>alert(1)</script>", "a" * 500):
        assert client.get("/healthz", headers={"X-Request-ID": hostile}).headers["X-Request-ID"] != hostile


def test_json_lines_carry_the_request_id():
    stream = io.StringIO()
    logger = logging.getLogger("cascade.test")
    handler = log_handler("json", stream)
    logger.addHandler(handler)
    token = request_id.set("req-42")
    try:
        logger.warning("order %s placed", 7)
    finally:
        request_id.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "req-42"
    assert line["message"] == "order 7 placed"
    assert line["level"] == "WARNING"
    assert line["time"].endswith("Z")


def test_worker_log_lines_carry_the_task_id(app):
    from celery.signals import task_postrun, task_prerun

    task_prerun.send(sender=None, task_id="task-123")
    assert request_id.get() == "task-123"
    task_postrun.send(sender=None, task_id="task-123")
    assert request_id.get() == "-"
