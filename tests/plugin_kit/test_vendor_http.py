"""The kit's vendor client against a real HTTP server on loopback: what it retries, what it raises,
what it sends and what it logs. Its backoff sleeps through ``waits`` (recorded, never waited)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.wrappers import Request, Response

from core.models.provisioning import ProvisioningRequest, RequestStatus
from core.product_lifecycle import LifecycleAction, RetryableError
from core.services.orders import LineRequest, place_order
from plugin_kit.testing import free_port, provision_due, serve
from plugin_kit.vendor_http import RetryPolicy, VendorClient, VendorError

#: Scripted answer: hold the request until the test lets go (the client times out meanwhile).
HOLD = "hold"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedVendor:
    """A vendor answering each request with the next scripted ``(status, body, headers)``, noting
    what it was sent; ``200 {}`` once the script is played."""

    def __init__(self) -> None:
        self.script: list[Any] = []
        self.seen: list[Seen] = []
        self.let_go = threading.Event()

    def answer(self, *answers: Any) -> None:
        self.script.extend(answers)

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        self.seen.append(Seen(request.method, request.full_path.rstrip("?"), dict(request.headers), request.get_data()))
        answer = self.script.pop(0) if self.script else (200, {})
        if answer == HOLD:
            self.let_go.wait(10)
            answer = (200, {"late": True})
        status, body, headers = (*answer, {}) if len(answer) == 2 else answer
        return Response(json.dumps(body), status, headers=headers, mimetype="application/json")(environ, start_response)


@pytest.fixture
def vendor() -> Iterator[tuple[ScriptedVendor, str]]:
    scripted = ScriptedVendor()
    with serve(lambda: scripted) as served:
        try:
            yield scripted, served.url
        finally:
            scripted.let_go.set()


@pytest.fixture
def waits() -> list[float]:
    """The backoff's waits, in seconds: recorded, and counted by the policy's clock, but never waited."""
    return []


def client(url: str, waits: list[float], *, timeout: float = 5, **policy: Any) -> VendorClient:
    retry = RetryPolicy(sleep=waits.append, clock=lambda: sum(waits), **policy)
    return VendorClient("registrar", url, timeout=timeout, retry=retry)


def test_a_vendor_briefly_down_is_tried_again_with_growing_waits_until_it_answers(vendor, waits):
    scripted, url = vendor
    scripted.answer((503, {"error": {"code": "down", "message": "Back soon."}}), (502, {}), (200, {"name": "a.com"}))
    assert client(url, waits).get("/domains/a.com") == {"name": "a.com"}
    assert len(scripted.seen) == 3
    assert waits == [0.5, 1.0]


def test_too_many_requests_waits_as_long_as_the_vendor_asks(vendor, waits):
    scripted, url = vendor
    scripted.answer((429, {"error": {"code": "slow_down", "message": "Too many requests."}}, {"Retry-After": "7"}))
    assert client(url, waits).call("POST", "/domains", {"name": "a.com"}) == {}
    assert waits == [7.0]
    assert len(scripted.seen) == 2, "a 429 was not acted on: even a write without a key is sent again"


def test_a_vendor_that_does_not_answer_in_time_is_asked_again(vendor, waits):
    scripted, url = vendor
    scripted.answer(HOLD, (200, {"name": "a.com"}))
    assert client(url, waits, timeout=0.2).get("/domains/a.com") == {"name": "a.com"}
    assert (len(scripted.seen), waits) == (2, [0.5])


def test_a_refusal_is_not_tried_again_and_keeps_the_vendors_words(vendor, waits):
    scripted, url = vendor
    scripted.answer((409, {"error": {"code": "unavailable", "message": "a.com is registered already."}}))
    with pytest.raises(VendorError) as raised:
        client(url, waits).call("POST", "/domains", {"name": "a.com"}, key="order-7")
    error = raised.value
    assert (error.retryable, error.status, error.code, error.message) == (
        False, 409, "unavailable", "a.com is registered already.")
    assert not isinstance(error, RetryableError), "the provisioning core would retry it"
    assert str(error) == "registrar answered 409 to POST /domains: a.com is registered already."
    assert error.request_id == scripted.seen[0].headers["X-Request-Id"]
    assert (len(scripted.seen), waits) == (1, [])


def test_a_vendor_still_down_after_the_last_attempt_raises_a_retryable_error(vendor, waits):
    scripted, url = vendor
    scripted.answer(*[(503, {"error": {"code": "down", "message": "Back soon."}})] * 5)
    with pytest.raises(RetryableError) as raised:  # what the provisioning core retries later
        client(url, waits, attempts=4).get("/domains/a.com")
    error = raised.value
    assert isinstance(error, VendorError)
    assert (error.retryable, error.status, error.code, error.message) == (True, 503, "down", "Back soon.")
    assert str(error) == "registrar answered 503 to GET /domains/a.com: Back soon."
    assert (len(scripted.seen), waits) == (4, [0.5, 1.0, 2.0])


def test_the_backoff_stops_when_another_try_would_not_fit_in_the_time_budget(vendor, waits):
    scripted, url = vendor
    scripted.answer(*[(500, {})] * 10)
    with pytest.raises(VendorError):
        client(url, waits, timeout=1, attempts=10, first_delay=1, budget=6).get("/domains/a.com")
    # 1 s, then 2 s of waiting; the next try (4 s of waiting and 1 s of timeout) would end after 6 s.
    assert waits == [1.0, 2.0]
    assert len(scripted.seen) == 3


def test_each_wait_is_at_most_max_delay(vendor, waits):
    scripted, url = vendor
    scripted.answer(*[(500, {})] * 5)
    with pytest.raises(VendorError):
        client(url, waits, attempts=5, first_delay=1, max_delay=3, budget=100).get("/domains/a.com")
    assert waits == [1.0, 2.0, 3.0, 3.0]


def test_a_retry_after_beyond_the_budget_is_not_waited_for(vendor, waits):
    scripted, url = vendor
    scripted.answer((429, {}, {"Retry-After": "3600"}))
    with pytest.raises(VendorError) as raised:
        client(url, waits).get("/domains/a.com")
    assert (raised.value.retryable, raised.value.status, waits) == (True, 429, [])


def test_a_write_without_a_key_is_not_sent_twice_when_the_vendor_may_have_acted(vendor, waits):
    scripted, url = vendor
    scripted.answer((500, {"error": {"code": "oops", "message": "Something broke."}}))
    with pytest.raises(VendorError) as raised:
        client(url, waits).call("POST", "/domains", {"name": "a.com"})
    assert raised.value.retryable, "the core may still try again later"
    assert len(scripted.seen) == 1


def test_a_write_carries_the_callers_idempotency_key_on_every_try(vendor, waits):
    scripted, url = vendor
    scripted.answer((503, {}), (201, {"name": "a.com"}))
    client(url, waits).call("POST", "/domains", {"name": "a.com"}, key="request-41:register")
    assert [seen.headers["Idempotency-Key"] for seen in scripted.seen] == ["request-41:register"] * 2
    assert json.loads(scripted.seen[0].body) == {"name": "a.com"}


def test_a_write_without_a_key_carries_its_request_id_as_the_key_and_a_read_none(vendor, waits):
    scripted, url = vendor
    api = client(url, waits)
    api.call("PUT", "/domains/a.com/nameservers", {"nameservers": ["ns1.example", "ns2.example"]})
    api.get("/domains/a.com")
    write, read = scripted.seen
    assert write.headers["Idempotency-Key"] == write.headers["X-Request-Id"]
    assert "Idempotency-Key" not in read.headers


def test_each_call_has_its_own_request_id_sent_and_logged(vendor, waits, caplog):
    scripted, url = vendor
    scripted.answer((503, {}))
    api = client(url, waits)
    with caplog.at_level(logging.INFO, logger="cascade.vendor.registrar"):
        api.get("/domains/a.com?fields=all")
        api.get("/domains/b.com")
    first, again, second = (seen.headers["X-Request-Id"] for seen in scripted.seen)
    assert first == again, "a retry is the same call"
    assert first != second
    lines = [record.getMessage() for record in caplog.records if record.name == "cascade.vendor.registrar"]
    assert len(lines) == 3
    assert lines[0].startswith("GET /domains/a.com 503 ") and f"request_id={first} attempt=1" in lines[0]
    assert lines[1].startswith("GET /domains/a.com 200 ") and f"request_id={first} attempt=2" in lines[1]
    assert lines[2].startswith("GET /domains/b.com 200 ") and f"request_id={second} attempt=1" in lines[2]
    assert " ms " in lines[0]


def test_a_vendor_nobody_listens_for_is_retryable_after_the_attempts(waits):
    port = free_port()
    with pytest.raises(VendorError) as raised:
        client(f"http://127.0.0.1:{port}", waits).call("POST", "/domains", {"name": "a.com"})
    error = raised.value
    assert (error.retryable, error.status) == (True, None)
    assert str(error).startswith(f"registrar could not be reached at http://127.0.0.1:{port} (")
    assert waits == [0.5, 1.0], "nothing reached the vendor: even a write without a key is tried again"


def test_a_vendor_plugs_in_its_own_authorisation_and_error_shape(vendor, waits):
    scripted, url = vendor
    scripted.answer((200, {"token": "t-1"}), (403, {"errors": [{"reason": "forbidden", "text": "Not your domain."}]}))

    def problem(status: int, body: bytes) -> tuple[str, str]:
        first = json.loads(body)["errors"][0]
        return first["reason"], first["text"]

    api = VendorClient("registrar", url, timeout=5, retry=RetryPolicy(sleep=waits.append),
                       auth=lambda: {"Authorization": "Bearer t-1"}, problem=problem,
                       request_id_header="X-Correlation-Id", idempotency_header="X-Once")
    api.call("POST", "/token", form={"grant_type": "client_credentials"}, authorised=False)
    with pytest.raises(VendorError) as raised:
        api.call("DELETE", "/domains/a.com", key="k-1")
    assert (raised.value.code, raised.value.message) == ("forbidden", "Not your domain.")
    token, delete = scripted.seen
    assert "Authorization" not in token.headers and token.body == b"grant_type=client_credentials"
    assert delete.headers["Authorization"] == "Bearer t-1"
    assert delete.headers["X-Once"] == "k-1" and delete.headers["X-Correlation-Id"] == raised.value.request_id


def test_a_retryable_vendor_error_from_a_product_is_retried_by_the_core(db, fake_catalog, fake_plugin, actor_for):
    placed = place_order(db, actor=actor_for("harbour"), lines=[LineRequest(fake_catalog["small"].id, 1)],
                         payment_method="card")
    db.commit()
    fake_plugin.vendor.answer(LifecycleAction.ACTIVATE, VendorError(
        "Widgets", "Back soon.", retryable=True, status=503, call="POST /widgets"))
    provision_due(db)
    request = db.scalar(select(ProvisioningRequest).where(ProvisioningRequest.order_line_id == placed.lines[0].id))
    assert (request.status, request.retries) == (RequestStatus.PENDING, 1)
    assert request.detail.startswith("Attempt 1 failed (Widgets answered 503 to POST /widgets: Back soon.); trying again")
