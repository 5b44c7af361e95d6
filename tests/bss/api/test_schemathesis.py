"""Schemathesis walks the OpenAPI document as ``schemathesis run`` does: every operation, every phase
(the document's examples, its edges, fuzzing, then stateful sequences that follow created resources),
every check on. The API must answer each request as the document says: never a 5xx, only documented
statuses, content types and shapes, what the document allows accepted and what it forbids refused.

Marked ``integration`` (it takes about a minute): ``make test`` runs it, ``make test-fast`` leaves it out.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from werkzeug.serving import make_server

#: What schemathesis expects a request the document allows to answer (its default).
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
#: Examples per operation and phase: enough to meet each field's edges, few enough for a minute or so in all.
EXAMPLES = 20


@contextmanager
def served(app) -> Iterator[str]:
    """``app`` over HTTP on a free local port, one request at a time (on the test's database connection)."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def run_schemathesis(base_url: str, api_key: str) -> tuple[list[str], list[str], int]:
    """Run every phase against the API at ``base_url`` with ``api_key``; the failures, the errors and the
    number of operations tested."""
    config = SchemathesisConfig.from_dict({
        "seed": 21,
        "cache": {"enabled": False},  # no replay of an earlier run's failures: every run is this one's
        "workers": 1,  # the app works on the test's one database connection
        "headers": {"Authorization": f"Bearer {api_key}"},
        "generation": {"max-examples": EXAMPLES, "database": "none"},  # nor of hypothesis' examples
        # What no JSON Schema says: each plan's own parameters and prerequisites (an order), the decimals of
        # each currency (a charge), volume tiers' prices falling as their quantities rise (a price), what a
        # file's bytes are (a new ticket's attachments), which of a transfer's fields the caller's part in it takes
        # (a customer names a storefront, a reseller a domain). These answer 422 with the field at fault to a
        # request the document allows; every other check still runs.
        "operations": [{"include-name": name, "checks": {"positive_data_acceptance": {
            "expected-statuses": [*POSITIVE_STATUSES, 422]}}} for name in (
            "POST /api/v1/orders", "POST /api/v1/charges", "PUT /api/v1/price-lists/{price_list_id}/prices/{plan_id}",
            "POST /api/v1/tickets", "POST /api/v1/transfers")],
    })
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", config=config)
    failures: dict[str, set[str]] = defaultdict(set)
    errors: list[str] = []
    tested: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.label:
            tested.add(event.label)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status is Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        failures[event.label].add(f"{check.name}: {failure.title}\n{failure.message}\n"
                                                  f"{check.failure_info.code_sample}")
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(f"{getattr(event, 'label', '')}: {getattr(event, 'value', None) or event.exception!r}")
    found = [f"{label}: {failure}" for label, found in sorted(failures.items()) for failure in sorted(found)]
    return found, errors, len(tested)


@pytest.mark.integration
def test_the_api_does_what_its_document_says(app, demo, make_key):
    with served(app) as base_url:
        failures, errors, tested = run_schemathesis(base_url, make_key("northwind"))
    assert errors == []
    assert failures == [], "\n\n".join(failures)
    assert tested >= 50
