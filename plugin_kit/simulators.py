"""Local stand-ins for the vendors' APIs, which plugins ship for development and tests.

A plugin whose connector talks to a vendor over HTTP also ships a simulator of that API and
returns its ``Simulator`` declaration from its ``local_simulators`` hook. ``cascade run`` starts
each simulator whose URL setting is unset or points at this machine as a process of its own
(``cascade simulator NAME`` runs one alone), keeping its state in a file (``StateFile``) so that
a restart finds what the database speaks of; tests serve them on a free port and point the
setting there. A distributor points the setting at the real service and the simulator is left
alone.

``VendorSimulator`` is what a simulator is built on: a subclass lists its ``routes`` and has a
method per endpoint. The base answers JSON, turns a ``Refusal`` into the vendor's error body,
carries out a write sent with an idempotency key once, keeps the ``kept`` attributes across
restarts, and answers its control endpoints, which every simulator has:

- ``POST /_simulator/faults`` with ``{"path": "/v1/customers", "status": 503, "delay": 2.5,
  "times": 3, "skip": 1, "retry_after": 10}`` makes calls whose path starts with ``path`` (``/``
  when left out) misbehave, after letting ``skip`` of them through: ``times`` of them (every one
  when left out), each waiting ``delay`` seconds and then answering ``status`` (with a
  ``Retry-After`` of ``retry_after`` seconds if given) if one is given; without a status, the
  call is carried out and its answer held back ``delay`` seconds, as a vendor whose answer is
  lost to the client's timeout. Faults apply in the order given; ``DELETE /_simulator/faults``
  ends them all.
- ``GET /_simulator/state``: what it holds, as JSON.
- ``POST /_simulator/reset``: forget everything, as a new simulator.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from core.plugins import pm

#: The host names that mean "this machine": a URL setting naming one is served by the simulator.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


@dataclass(frozen=True)
class Simulator:
    """A plugin's simulator of a vendor API."""

    #: Unique on the platform: ``cascade simulator NAME``.
    name: str
    #: The environment variable holding the vendor's base URL, which the plugin's connector reads.
    url_setting: str
    #: Where it listens when ``url_setting`` is unset (the connector's default URL names it too).
    default_port: int
    #: Builds the WSGI app, with fresh state on every call.
    app: Callable[[], WSGIApplication]

    def local_port(self, environ: Mapping[str, str] | None = None) -> int | None:
        """The port to serve it on here, or ``None`` when the setting points at another machine."""
        url = (os.environ if environ is None else environ).get(self.url_setting, "").strip()
        if not url:
            return self.default_port
        parts = urlsplit(url)
        if parts.hostname not in LOCAL_HOSTS:
            return None
        return parts.port or (443 if parts.scheme == "https" else 80)


class DuplicateSimulatorError(Exception):
    """Two plugins declared simulators of the same name."""


def local_simulators() -> dict[str, Simulator]:
    """Every simulator the registered plugins ship, by name."""
    found: dict[str, Simulator] = {}
    for declared in pm.hook.local_simulators():
        for simulator in declared or ():
            if simulator.name in found:
                raise DuplicateSimulatorError(f"two plugins ship a simulator named {simulator.name!r}")
            found[simulator.name] = simulator
    return dict(sorted(found.items()))


def simulators_to_start(environ: Mapping[str, str] | None = None) -> dict[Simulator, int]:
    """The simulators ``cascade run`` starts, with the port of each: those the settings leave local."""
    return {
        simulator: port
        for simulator in local_simulators().values()
        if (port := simulator.local_port(environ)) is not None
    }


class KeptState:
    """A simulator whose state outlives its process: ``kept`` names the attributes saved.

    Each kept attribute is a container (a dict, a list, a set): ``reset`` empties them. Tests
    never keep state across sessions: each gets a fresh simulator or the demo's.
    """

    kept: tuple[str, ...] = ()

    def snapshot(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.kept}

    def restore(self, state: Mapping[str, object]) -> None:
        for name in self.kept:
            if name in state:
                setattr(self, name, state[name])

    def reset(self) -> None:
        """Forget everything kept, as a new simulator."""
        for name in self.kept:
            setattr(self, name, type(getattr(self, name))())


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class StateFile:
    """WSGI middleware: the simulator starts from ``path`` and saves its state there after every write.

    Writes are served one at a time, so that what is saved is never a write half done.
    """

    def __init__(self, app: KeptState, path: Path) -> None:
        self.app, self.path = app, path
        self._lock = threading.Lock()
        if path.is_file():
            with path.open("rb") as file:  # the simulator's own file, written below: never another's data
                app.restore(pickle.load(file))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        app: WSGIApplication = self.app  # type: ignore[assignment]
        if environ.get("REQUEST_METHOD") not in _WRITES:
            return app(environ, start_response)
        with self._lock:
            body = list(app(environ, start_response))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".tmp")
            with partial.open("wb") as file:
                pickle.dump(self.app.snapshot(), file)
            partial.replace(self.path)
        return body


#: What an endpoint answers: a status and a JSON body (``None``: no body), or a ready response.
Answer = tuple[int, Any] | Response


class Refusal(Exception):
    """Answer ``status`` with the vendor's error body, its ``code`` and ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (``{}`` when it has no body); a 400 when it is anything else."""
    if not request.get_data():
        return {}
    found = request.get_json(silent=True)
    if not isinstance(found, dict):
        raise Refusal(400, "invalid_body", "Send a JSON object.")
    return found


def required(body: Mapping[str, Any], *names: str) -> list[Any]:
    """The values of ``names`` in ``body``; a 422 naming the first one missing."""
    missing = [name for name in names if body.get(name) in (None, "", [])]
    if missing:
        raise Refusal(422, "invalid", f"{missing[0]} is required.")
    return [body[name] for name in names]


@dataclass
class Fault:
    """Misbehaviour asked for through ``POST /_simulator/faults`` (see the module's docstring)."""

    path: str = "/"
    status: int | None = None
    delay: float = 0.0
    #: How many more calls it applies to (``None``: all of them).
    times: int | None = None
    #: How many matching calls still go through untouched first.
    skip: int = 0
    retry_after: int | None = None


_CONTROL = "/_simulator/"


class VendorSimulator(KeptState):
    """Base of a simulated vendor API: subclasses list ``routes`` and a method per endpoint.

    An endpoint method takes the request and the URL's arguments and answers ``(status, body)``
    or a ``Response``; it runs under the simulator's lock, so it may change the state freely,
    and raises ``Refusal`` to refuse. A write carrying ``idempotency_header`` is carried out once:
    the same key again answers the first answer, and with another request is refused.
    """

    #: The vendor's name in the simulator's own messages.
    vendor: ClassVar[str] = "vendor"
    routes: ClassVar[tuple[Rule, ...]] = ()
    idempotency_header: ClassVar[str] = "Idempotency-Key"
    kept = ("_replies",)
    _url_map: ClassVar[Map]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_replies" not in cls.kept:  # what makes a repeated write act once must survive a restart
            cls.kept = (*cls.kept, "_replies")
        cls._url_map = Map([rule.empty() for rule in cls.routes] + [
            Rule(f"{_CONTROL}faults", endpoint="_add_fault", methods=["POST"]),
            Rule(f"{_CONTROL}faults", endpoint="_clear_faults", methods=["DELETE"]),
            Rule(f"{_CONTROL}state", endpoint="_state", methods=["GET"]),
            Rule(f"{_CONTROL}reset", endpoint="_reset", methods=["POST"]),
        ])

    def __init__(self) -> None:
        self._lock = threading.RLock()
        #: The answer to each write sent with a key: ``key -> (fingerprint, status, body)``.
        self._replies: dict[str, tuple[str, int, Any]] = {}
        self.faults: list[Fault] = []

    # -- what a subclass may change -------------------------------------------------------------

    def error_body(self, request: Request, code: str, message: str) -> Any:
        """The vendor's error body for ``code`` and ``message``."""
        return {"error": {"code": code, "message": message}}

    def authenticate(self, request: Request) -> None:
        """Raise ``Refusal`` (a 401) unless the request may call the API; every one may by default."""

    def state(self) -> Any:
        """What ``GET /_simulator/state`` shows: the kept attributes, as JSON."""
        return {name: _jsonable(getattr(self, name)) for name in self.kept if not name.startswith("_")}

    def reset(self) -> None:
        with self._lock:
            super().reset()
            self.faults.clear()

    # -- serving --------------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self._respond(Request(environ))(environ, start_response)

    def _respond(self, request: Request) -> Response:
        try:
            endpoint, arguments = self._url_map.bind_to_environ(request.environ).match()
        except (NotFound, MethodNotAllowed) as error:
            code = "not_found" if isinstance(error, NotFound) else "method_not_allowed"
            return self._json(error.code or 404, self.error_body(request, code, error.description or ""))
        except HTTPException as error:  # werkzeug's redirect of a path missing its trailing slash
            return error.get_response(request.environ)
        if request.path.startswith(_CONTROL):
            return self._answer(request, self._carry_out(request, endpoint, arguments))
        fault = self._fault_for(request.path)
        if fault is not None and fault.status is not None:
            time.sleep(fault.delay)
            failed = self._json(fault.status, self.error_body(request, "simulated_fault", "The simulator was told to fail."))
            if fault.retry_after is not None:
                failed.headers["Retry-After"] = str(fault.retry_after)
            return failed
        answer = self._answer(request, self._once(request, endpoint, arguments))
        if fault is not None:
            time.sleep(fault.delay)  # done, but the answer comes late
        return answer

    def _once(self, request: Request, endpoint: str, arguments: dict[str, Any]) -> Answer:
        key = request.headers.get(self.idempotency_header) if request.method in _WRITES else None
        with self._lock:
            try:
                self.authenticate(request)
            except Refusal as refusal:
                return refusal.status, self.error_body(request, refusal.code, refusal.message)
            if key is None:
                return self._carry_out(request, endpoint, arguments)
            fingerprint = hashlib.sha256(repr((request.method, request.full_path, request.get_data())).encode()).hexdigest()
            if key in self._replies:
                seen, status, payload = self._replies[key]
                if seen != fingerprint:
                    return 422, self.error_body(request, "idempotency_key_reused",
                                                f"This {self.idempotency_header} was used for another request.")
                return status, copy.deepcopy(payload)
            answer = self._carry_out(request, endpoint, arguments)
            if not isinstance(answer, Response):
                self._replies[key] = (fingerprint, answer[0], copy.deepcopy(answer[1]))
            return answer

    def _carry_out(self, request: Request, endpoint: str, arguments: dict[str, Any]) -> Answer:
        with self._lock:
            try:
                return getattr(self, endpoint)(request, **arguments)
            except Refusal as refusal:
                return refusal.status, self.error_body(request, refusal.code, refusal.message)

    def _answer(self, request: Request, answer: Answer) -> Response:
        if isinstance(answer, Response):
            return answer
        status, body = answer
        return Response(status=status) if body is None else self._json(status, body)

    @staticmethod
    def _json(status: int, body: Any) -> Response:
        return Response(json.dumps(body), status=status, mimetype="application/json")

    def _fault_for(self, path: str) -> Fault | None:
        with self._lock:
            fault = next((fault for fault in self.faults if path.startswith(fault.path)), None)
            if fault is None:
                return None
            if fault.skip > 0:
                fault.skip -= 1
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
            return fault

    # -- the control endpoints ------------------------------------------------------------------

    def _add_fault(self, request: Request) -> Answer:
        asked = json_body(request)
        try:
            fault = Fault(path=str(asked.get("path") or "/"), status=_optional(int, asked.get("status")),
                          delay=float(asked.get("delay") or 0), times=_optional(int, asked.get("times")),
                          skip=int(asked.get("skip") or 0), retry_after=_optional(int, asked.get("retry_after")))
        except (TypeError, ValueError) as error:
            raise Refusal(422, "invalid", f"Not a fault: {error}") from None
        self.faults.append(fault)
        return 201, {"faults": [dataclasses.asdict(fault) for fault in self.faults]}

    def _clear_faults(self, request: Request) -> Answer:
        self.faults.clear()
        return 204, None

    def _state(self, request: Request) -> Answer:
        return 200, self.state()

    def _reset(self, request: Request) -> Answer:
        self.reset()
        return 204, None


def _optional(kind: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else kind(value)


def _jsonable(value: Any) -> Any:
    """``value`` (dataclasses, mappings, collections, dates) as JSON can hold it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
