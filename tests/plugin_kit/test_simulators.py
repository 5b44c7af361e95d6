"""The kit's simulator base, served over real HTTP and spoken to with the kit's client: state kept
across a restart (``cascade simulator --state FILE``), reset, writes done once per key, faults."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from core.plugins import load_plugins
from plugin_kit.simulators import Answer, KeptState, Refusal, StateFile, VendorSimulator, json_body, local_simulators
from plugin_kit.testing import serve
from plugin_kit.vendor_http import RetryPolicy, VendorClient, VendorError


class Notebook(VendorSimulator):
    """A vendor that remembers the notes posted to it."""

    vendor = "notebook"
    kept = ("notes",)
    routes = (
        Rule("/notes", endpoint="add", methods=["POST"]),
        Rule("/notes", endpoint="read", methods=["GET"]),
    )

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []

    def add(self, request: Request) -> Answer:
        text = json_body(request).get("text", "")
        if text in self.notes:
            raise Refusal(409, "duplicate", f"{text!r} is noted already.")
        self.notes.append(text)
        return 201, {"number": len(self.notes), "text": text}

    def read(self, request: Request) -> Answer:
        return 200, {"notes": self.notes}


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def notebook(waits: list[float]) -> Callable[..., Any]:
    """Serve a notebook (kept in ``state`` if given) until the block ends; yields a client of it."""

    @contextmanager
    def served(state: Path | None = None, *, timeout: float = 5) -> Iterator[VendorClient]:
        def build() -> Any:
            return StateFile(Notebook(), state) if state is not None else Notebook()

        with serve(build) as running:
            yield VendorClient("notebook", running.url, timeout=timeout,
                               retry=RetryPolicy(sleep=waits.append, clock=lambda: sum(waits)))

    return served


def test_a_restarted_simulator_starts_from_its_state_file(tmp_path, notebook):
    state = tmp_path / "simulators" / "notebook.pickle"
    with notebook(state) as api:
        api.call("POST", "/notes", {"text": "tenant a"})
        api.call("POST", "/notes", {"text": "tenant b"})
    with notebook(state) as restarted:
        assert restarted.get("/notes") == {"notes": ["tenant a", "tenant b"]}
    assert not state.with_suffix(".tmp").exists(), "written aside, then put in place"
    with notebook() as unkept:
        assert unkept.get("/notes") == {"notes": []}


def test_a_write_sent_again_with_its_key_is_done_once_even_after_a_restart(tmp_path, notebook):
    state = tmp_path / "notebook.pickle"
    with notebook(state) as api:
        first = api.call("POST", "/notes", {"text": "tenant a"}, key="order-1")
    with notebook(state) as restarted:
        assert restarted.call("POST", "/notes", {"text": "tenant a"}, key="order-1") == first
        assert restarted.get("/notes") == {"notes": ["tenant a"]}
        with pytest.raises(VendorError) as reused:
            restarted.call("POST", "/notes", {"text": "tenant b"}, key="order-1")
    assert (reused.value.status, reused.value.code) == (422, "idempotency_key_reused")


def test_a_refusal_answers_the_vendors_error_body(notebook):
    with notebook() as api:
        api.call("POST", "/notes", {"text": "tenant a"})
        with pytest.raises(VendorError) as refused:
            api.call("POST", "/notes", {"text": "tenant a"})
        assert (refused.value.status, refused.value.code, refused.value.message) == (
            409, "duplicate", "'tenant a' is noted already.")
        with pytest.raises(VendorError) as missing:
            api.get("/pages")
        assert (missing.value.status, missing.value.code) == (404, "not_found")


def test_reset_forgets_what_it_holds_and_the_faults_it_was_told(notebook):
    with notebook() as api:
        api.call("POST", "/notes", {"text": "tenant a"}, key="order-1")
        api.call("POST", "/_simulator/faults", {"path": "/notes", "status": 503})
        api.call("POST", "/_simulator/reset")
        assert api.get("/notes") == {"notes": []}
        assert api.call("POST", "/notes", {"text": "tenant b"}, key="order-1")["text"] == "tenant b"
        assert api.get("/_simulator/state") == {"notes": ["tenant b"]}


def test_faults_fail_the_calls_asked_for_after_those_let_through(notebook, waits):
    with notebook() as api:
        api.call("POST", "/_simulator/faults", {"path": "/notes", "status": 503, "times": 2, "skip": 1,
                                                "retry_after": 4})
        assert api.get("/notes") == {"notes": []}  # skipped
        assert api.get("/notes") == {"notes": []}  # failed twice, then through
        assert waits == [4.0, 4.0], "as long as Retry-After said"
        api.call("POST", "/_simulator/faults", {"status": 500})
        with pytest.raises(VendorError) as failed:
            api.get("/notes")
        assert (failed.value.status, failed.value.message) == (500, "The simulator was told to fail.")
        api.call("DELETE", "/_simulator/faults")
        assert api.get("/notes") == {"notes": []}


def test_a_late_answer_is_lost_to_the_client_but_the_write_is_done_once(notebook):
    with notebook(timeout=0.2) as api:
        api.call("POST", "/_simulator/faults", {"path": "/notes", "delay": 1, "times": 1})
        assert api.call("POST", "/notes", {"text": "tenant a"}, key="order-1") == {"number": 1, "text": "tenant a"}
        assert api.get("/notes") == {"notes": ["tenant a"]}


def test_every_shipped_simulator_keeps_state_that_pickles():
    load_plugins()
    simulators = local_simulators()
    assert {"hosting-panel", "registrar", "office365"} <= simulators.keys()
    for simulator in simulators.values():
        app = simulator.app()
        assert isinstance(app, KeptState) and app.kept, simulator.name
        fresh = simulator.app()
        fresh.restore(pickle.loads(pickle.dumps(app.snapshot())))
        assert fresh.snapshot().keys() == app.snapshot().keys()
        assert "_replies" in app.kept, f"{simulator.name} forgets the writes it did once per key when restarted"
