"""The one HTTP client a plugin's vendor connector needs: JSON over HTTP, retried when that can help.

``VendorClient(vendor, base_url, timeout=...)`` sends JSON (or a form) and answers the vendor's
JSON. Every call gets a request id, sent as a header and written in the log line of each attempt
(logger ``cascade.vendor.<vendor>``: method, path, status, duration, request id, attempt).
Every write carries an idempotency key: the caller's ``key`` (the same on every attempt of a
provisioning request), else the call's request id, so that a vendor that dedupes acts once.

A failure that trying again can fix (a refused or reset connection, no answer in time, a 5xx, a
429) is tried again at once with exponential backoff, a few times and within a time budget
(``RetryPolicy``; its ``sleep`` and ``clock`` are injectable, so tests never wait), but only when
repeating the call is harmless: a call that never reached the vendor (a refused connection, a
429), a read, a ``PUT`` or ``DELETE``, or a write with the caller's key. What still fails raises
``VendorError``:

- ``retryable`` true (it is then a ``core.product_lifecycle.RetryableError``, which the provisioning
  core retries later with its own backoff, so a lifecycle method lets it propagate);
- ``retryable`` false: the vendor refused (any other 4xx); ``status``, ``code`` and ``message`` are
  the vendor's, and ``message`` is what to show people.

A vendor with its own ways plugs them in: ``auth`` supplies headers for each call (an OAuth
token), ``problem`` reads its error bodies, and the header names are parameters.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from core.product_lifecycle import RetryableError

#: Methods that may be repeated without acting twice.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


class VendorError(Exception):
    """A call to a vendor that did not succeed; ``retryable`` says whether trying later may.

    ``VendorError(..., retryable=True)`` is an instance of ``RetryableVendorError``, which is also a
    ``core.product_lifecycle.RetryableError``: the provisioning core retries it, and code catching
    ``RetryableError`` catches it too.
    """

    retryable: bool = False

    def __new__(cls, *args: Any, retryable: bool = False, **kwargs: Any) -> Self:
        kind = RetryableVendorError if retryable and not issubclass(cls, RetryableError) else cls
        return super().__new__(kind, *args)

    def __init__(self, vendor: str, message: str, *, retryable: bool = False, status: int | None = None,
                 code: str = "", request_id: str = "", call: str = "") -> None:
        #: The vendor's name, as people know it ("Microsoft", "registrar").
        self.vendor = vendor
        #: The vendor's own words (or, when it did not answer, what happened).
        self.message = message
        #: The HTTP status it answered; ``None`` when there was no answer.
        self.status = status
        #: The vendor's own error code ("" when it gave none).
        self.code = code
        #: The id the call was sent with, to find it in the vendor's logs and ours.
        self.request_id = request_id
        #: ``METHOD /path`` of the call.
        self.call = call
        super().__init__(self._describe())

    def _describe(self) -> str:
        if self.status is None:
            return self.message
        if self.call:
            return f"{self.vendor} answered {self.status} to {self.call}: {self.message}"
        return f"{self.vendor}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.__dict__.copy())


class RetryableVendorError(VendorError, RetryableError):
    """A vendor failure that trying again later may fix; see ``VendorError``."""

    retryable = True


def _rebuild(kind: type[VendorError], state: dict[str, Any]) -> VendorError:
    state = dict(state)
    return kind(state.pop("vendor"), state.pop("message"), retryable=kind.retryable, **state)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a call is tried before its failure is raised.

    The n-th retry waits ``first_delay * 2 ** (n - 1)`` seconds, at most ``max_delay`` (or what a
    ``Retry-After`` header asks); a retry is made only if it can finish, its own timeout included,
    within ``budget`` seconds of the call's start.
    """

    #: Tries in all, the first included (1: never retried).
    attempts: int = 3
    first_delay: float = 0.5
    max_delay: float = 8.0
    budget: float = 20.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    def delay(self, retry: int) -> float:
        """How long to wait before the ``retry``-th retry (1 for the first)."""
        return min(self.max_delay, self.first_delay * 2 ** (retry - 1))


#: The policy of clients given none (read at each call: a test may swap it for one that does not wait).
DEFAULT_RETRY = RetryPolicy()


def read_problem(status: int, body: bytes) -> tuple[str, str]:
    """The vendor's error code and words from the usual error bodies: ``{"error": {"code", "message"}}``,
    ``{"code", "message" | "description"}`` or a problem document (``title``, ``detail``)."""
    try:
        found = json.loads(body)
    except ValueError:
        return "", body.decode(errors="replace").strip()[:200] or http.client.responses.get(status, "no details")
    error = found.get("error", found) if isinstance(found, dict) else found
    if not isinstance(error, dict):
        return "", str(error)
    words = error.get("message") or error.get("description") or error.get("detail") or error.get("title")
    return str(error.get("code") or ""), str(words or http.client.responses.get(status, "no details"))


def segment(value: str) -> str:
    """``value`` as one path segment."""
    return quote(value, safe="")


def logger_for(vendor: str) -> logging.Logger:
    """The logger of the calls to ``vendor``: ``cascade.vendor.<vendor in lower case, hyphenated>``."""
    return logging.getLogger("cascade.vendor." + (re.sub(r"[^a-z0-9]+", "-", vendor.lower()).strip("-") or "vendor"))


@dataclass(frozen=True)
class _Failure:
    """One attempt that did not succeed, and whether it is worth another."""

    error: VendorError
    #: The vendor surely did not act (nothing was sent, or it said to come back later).
    unprocessed: bool = False
    #: Seconds the vendor asked us to wait (``Retry-After``).
    retry_after: float | None = None


class VendorClient:
    """One vendor's JSON API at ``base_url``."""

    def __init__(self, vendor: str, base_url: str, *, timeout: float, retry: RetryPolicy | None = None,
                 auth: Callable[[], Mapping[str, str]] | None = None,
                 problem: Callable[[int, bytes], tuple[str, str]] = read_problem,
                 request_id_header: str = "X-Request-ID", idempotency_header: str = "Idempotency-Key") -> None:
        self.vendor = vendor
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry
        #: Headers to authorise each call (called per call: it may fetch or refresh a token).
        self.auth = auth
        #: Reads ``(code, message)`` from an error answer's status and body.
        self.problem = problem
        self.request_id_header = request_id_header
        self.idempotency_header = idempotency_header
        self.log = logger_for(vendor)

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def call(self, method: str, path: str, body: Any = None, *, form: Mapping[str, str] | None = None,
             key: str | None = None, authorised: bool = True) -> Any:
        """Send ``body`` as JSON (or ``form`` as a form) and answer the JSON answer (``None`` if empty).

        ``key`` makes a write happen once however often it is sent; ``authorised=False`` leaves
        ``auth`` out (the call that fetches a token). Raises ``VendorError``.
        """
        policy = self.retry or DEFAULT_RETRY
        request_id = str(uuid.uuid4())
        headers = {"Accept": "application/json", self.request_id_header: request_id}
        data = None
        if form is not None:
            data, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if method not in _READS:
            headers[self.idempotency_header] = key or request_id
        harmless = method in IDEMPOTENT_METHODS or key is not None
        if authorised and self.auth is not None:
            headers |= self.auth()
        call = f"{method} {path.split('?')[0]}"
        started = policy.clock()
        attempt = 1
        while True:
            outcome = self._attempt(Request(self.base_url + path, data=data, headers=headers, method=method),
                                    call, request_id, attempt)
            if not isinstance(outcome, _Failure):
                return outcome
            failure = outcome
            if not failure.error.retryable or attempt >= policy.attempts or not (harmless or failure.unprocessed):
                raise failure.error
            wait = policy.delay(attempt) if failure.retry_after is None else failure.retry_after
            if policy.clock() - started + wait + self.timeout > policy.budget:
                raise failure.error
            policy.sleep(wait)
            attempt += 1

    def _attempt(self, request: Request, call: str, request_id: str, attempt: int) -> Any:
        """Send ``request`` once: its JSON answer, or the ``_Failure``."""
        method = request.get_method()
        begun = time.perf_counter()
        status: int | str = "-"
        try:
            try:
                with urlopen(request, timeout=self.timeout) as response:
                    status, raw = response.status, response.read()
            except HTTPError as error:
                status = error.code
                return self._answered_error(error, call, request_id)
            except URLError as error:  # raised before anything was sent: the vendor did nothing
                status = "timeout" if isinstance(error.reason, TimeoutError) else "unreachable"
                return _Failure(self._no_answer(error.reason, call, request_id), unprocessed=True)
            except (OSError, http.client.HTTPException) as error:  # sent, but the answer was lost
                status = "timeout" if isinstance(error, TimeoutError) else "no answer"
                return _Failure(self._no_answer(error, call, request_id))
        finally:
            elapsed = (time.perf_counter() - begun) * 1000
            worrying = not isinstance(status, int) or status >= 500 or status in (408, 429)
            self.log.log(logging.WARNING if worrying else logging.INFO,
                         "%s %s %s %.0f ms request_id=%s attempt=%d", method, call.partition(" ")[2], status,
                         elapsed, request_id, attempt,
                         extra={"vendor": self.vendor, "vendor_request_id": request_id, "vendor_status": status})
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise VendorError(self.vendor, f"The answer is not JSON: {raw[:80]!r}", status=status, code="not_json",
                              request_id=request_id, call=call) from None

    def _answered_error(self, error: HTTPError, call: str, request_id: str) -> _Failure:
        try:
            raw = error.read()
        except (OSError, http.client.HTTPException):
            raw = b""
        finally:
            error.close()
        code, message = self.problem(error.code, raw)
        retryable = error.code >= 500 or error.code in (408, 429)
        found = VendorError(self.vendor, message, retryable=retryable, status=error.code, code=code,
                            request_id=request_id, call=call)
        return _Failure(found, unprocessed=error.code == 429, retry_after=_retry_after(error.headers.get("Retry-After")))

    def _no_answer(self, reason: object, call: str, request_id: str) -> VendorError:
        if isinstance(reason, TimeoutError):
            message = f"{self.vendor} did not answer {call} within {self.timeout:g} s"
        else:
            message = f"{self.vendor} could not be reached at {self.base_url} ({reason})"
        return VendorError(self.vendor, message, retryable=True, request_id=request_id, call=call)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
