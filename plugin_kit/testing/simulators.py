"""The plugins' vendor simulators, served over real HTTP in the test process.

Every simulator the installed plugins ship is served for the whole session on a free port of
loopback, and its URL setting points there, so that any test whose code reaches a vendor
reaches its simulator over HTTP (the demo's Microsoft 365 orders, say). Each test meets the
vendors as its data expects them: as new on the empty database, and as the demo left them
on the demo's (what the demo's loading told a simulator is kept, and given back to each demo
test). A simulator a test talked to is replaced before the next test.

``serve`` is the helper underneath, for a test that wants a simulator of its own. And no test
waits on a vendor client's backoff: ``vendor_waits`` records the waits instead.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from werkzeug.serving import make_server

from core.plugins import load_plugins
from plugin_kit import vendor_http
from plugin_kit.simulators import KeptState, local_simulators


@pytest.fixture(autouse=True)
def vendor_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits of every vendor client's backoff, in seconds: recorded and counted by the policy's
    clock, never waited."""
    waits: list[float] = []
    monkeypatch.setattr(vendor_http, "DEFAULT_RETRY", dataclasses.replace(
        vendor_http.DEFAULT_RETRY, sleep=waits.append, clock=lambda: time.monotonic() + sum(waits)))
    return waits


#: How often a served simulator looks whether it is asked to stop: closing one waits this long at most
#: (socketserver's default, half a second, made each test that serves its own wait that long).
SHUTDOWN_POLL = 0.02


class ServedSimulator:
    """A simulator listening on loopback; ``prepare`` swaps in a fresh app if the last one was used."""

    def __init__(self, build: Callable[[], WSGIApplication]) -> None:
        self._build = build
        self.app = build()
        self.used = False
        self._state: dict[str, object] | None = None
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL},
                                        name=f"simulator {self.url}", daemon=True)
        self._thread.start()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        self.used = True
        return self.app(environ, start_response)

    def prepare(self, state: dict[str, object] | None = None) -> None:
        """Be a fresh simulator holding ``state`` (a ``snapshot``), unless it already is, untouched since."""
        if self.used or state is not self._state:
            self.app = self._build()
            if state is not None and isinstance(self.app, KeptState):
                self.app.restore(copy.deepcopy(state))
            self.used, self._state = False, state

    def snapshot(self) -> dict[str, object] | None:
        """A copy of what the simulator holds, if it is one that can say (``KeptState``)."""
        return copy.deepcopy(self.app.snapshot()) if isinstance(self.app, KeptState) else None

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def serve(build: Callable[[], WSGIApplication]) -> Iterator[ServedSimulator]:
    """Serve the app ``build`` makes on a free port of 127.0.0.1 until the block ends."""
    served = ServedSimulator(build)
    try:
        yield served
    finally:
        served.close()


@pytest.fixture(scope="session", autouse=True)
def simulators() -> Iterator[dict[str, ServedSimulator]]:
    """Every plugin simulator, served for the session, its URL setting pointing at it; by name."""
    load_plugins()
    served: dict[str, ServedSimulator] = {}
    with pytest.MonkeyPatch.context() as environment:
        try:
            for name, simulator in local_simulators().items():
                served[name] = ServedSimulator(simulator.app)
                environment.setenv(simulator.url_setting, served[name].url)
            yield served
        finally:
            for running in served.values():
                running.close()


@pytest.fixture(autouse=True)
def fresh_simulators(request: pytest.FixtureRequest, simulators: dict[str, ServedSimulator]) -> None:
    """Put every simulator in the state the test's data expects: as the demo left it for a demo
    test, else new (ids and idempotency keys repeat across tests whose data was rolled back)."""
    states = request.getfixturevalue("demo_database").simulator_states if "demo" in request.fixturenames else {}
    for name, served in simulators.items():
        served.prepare(states.get(name))
