"""What the plugin's vendor simulators share: JSON routes, writes done once per key, faults on demand.

A simulator keeps its whole state in memory; a new app starts empty. Like the real APIs, a
write sent with an ``Idempotency-Key`` header is carried out once: the same key again answers
the first answer, and the same key with another request is refused.

``POST /_simulator/faults`` with ``{"fail": n}`` makes the next ``n`` calls answer 503, and with
``{"hang": n, "hang_seconds": s}`` makes them do their work and then hold the answer for ``s``
seconds, as a vendor whose answer is lost to a client's timeout; ``"skip": k`` lets the next
``k`` calls through first.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from core.simulators import KeptState

#: What an endpoint answers: a status and a JSON body, or a ready response (an HTML page).
Answer = tuple[int, dict[str, Any]] | Response


class SimulatedError(Exception):
    """A refusal the simulated vendor answers with ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class JsonSimulator(KeptState):
    """Base of a simulated vendor API; subclasses list their ``rules`` and a method per endpoint.

    An endpoint method takes the request's JSON body and the URL's arguments; it runs under the
    simulator's lock, so it may change the state freely.
    """

    vendor = "vendor"

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.url_map = Map([*rules, Rule("/_simulator/faults", endpoint="faults", methods=["POST"])])
        self._lock = threading.Lock()
        self._replies: dict[str, tuple[str, int, dict[str, Any]]] = {}
        self._skip = 0
        self._fail = 0
        self._hang = 0
        self._hang_seconds = 0.0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self._respond(Request(environ))(environ, start_response)

    def _respond(self, request: Request) -> Response:
        try:
            endpoint, arguments = self.url_map.bind_to_environ(request.environ).match()
        except HTTPException as error:
            return _json(error.code or 404, _error("not_found" if error.code == 404 else "method", error.description or ""))
        body = request.get_json(silent=True) if request.data else {}
        if not isinstance(body, dict):
            return _json(400, _error("body", "Send a JSON object."))
        if endpoint == "faults":
            return self._set_faults(body)
        with self._lock:
            skipping = self._skip > 0
            failing = not skipping and self._fail > 0
            hanging = not skipping and not failing and self._hang > 0
            self._skip, self._fail, self._hang = self._skip - skipping, self._fail - failing, self._hang - hanging
        if failing:
            return _json(503, _error("unavailable", f"The {self.vendor} is down for a moment (simulated)."))
        answer = self._answer(request, endpoint, arguments, body)
        if hanging:
            time.sleep(self._hang_seconds)
        return answer if isinstance(answer, Response) else _json(*answer)

    def _answer(self, request: Request, endpoint: str, arguments: dict[str, Any], body: dict[str, Any]) -> Answer:
        key = request.headers.get("Idempotency-Key") if request.method != "GET" else None
        fingerprint = hashlib.sha256(json.dumps([request.method, request.path, body], sort_keys=True).encode()).hexdigest()
        with self._lock:
            if key is not None and key in self._replies:
                seen, status, payload = self._replies[key]
                if seen != fingerprint:
                    return 422, _error("idempotency_key_reused", "This Idempotency-Key was used for another request.")
                return status, payload
            try:
                answer = getattr(self, endpoint)(body, **arguments)
            except SimulatedError as error:
                answer = error.status, _error(error.code, error.message)
            if key is not None and not isinstance(answer, Response):
                self._replies[key] = (fingerprint, *answer)
            return answer

    def _set_faults(self, body: dict[str, Any]) -> Response:
        with self._lock:
            self._skip = int(body.get("skip", 0))
            self._fail = int(body.get("fail", 0))
            self._hang = int(body.get("hang", 0))
            self._hang_seconds = float(body.get("hang_seconds", 0))
            return _json(200, {"skip": self._skip, "fail": self._fail, "hang": self._hang,
                               "hang_seconds": self._hang_seconds})


def required(body: dict[str, Any], *names: str) -> list[Any]:
    """The values of ``names`` in ``body``; a 422 naming the first one missing."""
    missing = [name for name in names if body.get(name) in (None, "", [])]
    if missing:
        raise SimulatedError(422, "invalid", f"{missing[0]} is required.")
    return [body[name] for name in names]


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _json(status: int, payload: dict[str, Any]) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")
