"""What a product's lifecycle methods receive and answer: the plugin side of provisioning.

The core turns every lifecycle change of a subscription (activate, change, suspend, resume,
cancel, renew) into a provisioning request and calls the product type's method of the same
name with a ``LifecycleRequest``: plain data, never a database object. The method talks to the
vendor and answers with a ``Result``:

- ``Result.done()``: the vendor did it; the core applies the change to the subscription.
- ``Result.pending(detail)``: the vendor is working on it; the core asks again with ``poll``.
- ``Result.manual(step)``: a person must act first; the core opens a task for a team of the
  seller and calls the method again once the task is completed, with the step's key in
  ``completed_steps``.
- ``Result.failed(reason)``: it cannot be done; the reason is shown to the seller.

A method raises ``RetryableError`` for failures that trying again can fix (a timeout, a 503);
the core retries with backoff until the request's deadline. Methods must be idempotent: the
core may call one twice for the same request (a worker that died after the vendor answered),
and ``idempotency_key`` is what a vendor API dedupes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from core.money import Money


class LifecycleAction(StrEnum):
    """What a provisioning request asks of a product."""

    ACTIVATE = "activate"
    CHANGE = "change"
    SUSPEND = "suspend"
    RESUME = "resume"
    CANCEL = "cancel"
    RENEW = "renew"
    #: The subscription's account moved to another seller (``core.services.transfers``): tell the vendor.
    TRANSFER = "transfer"


class Outcome(StrEnum):
    DONE = "done"
    PENDING = "pending"
    MANUAL = "manual"
    FAILED = "failed"


class RetryableError(Exception):
    """A failure that trying again later can fix: the vendor timed out or is briefly down."""


@dataclass(frozen=True)
class ManualStep:
    """Something a person of the seller must do before provisioning can go on."""

    #: Stable within the request: it comes back in ``completed_steps`` once the task is done.
    key: str
    #: One line for the task list, e.g. "Register example.com after confirming payment".
    title: str
    instructions: str = ""
    #: The seller's team whose list the task goes on (its owner team when it has no such team).
    team: str = "Owners"


@dataclass(frozen=True)
class Result:
    """A lifecycle method's answer; build one with the class methods."""

    outcome: Outcome
    #: For ``failed``, why, in words the seller can act on; for ``pending``, what is awaited.
    detail: str = ""
    step: ManualStep | None = None
    #: Facts to keep on the subscription for later calls (vendor ids, licence keys), merged in.
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))
        if (self.outcome is Outcome.MANUAL) != (self.step is not None):
            raise ValueError("a manual result needs a step, and only a manual result has one")
        if self.outcome is Outcome.FAILED and not self.detail.strip():
            raise ValueError("a failed result needs a reason")
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))

    @classmethod
    def done(cls, data: Mapping[str, Any] | None = None, detail: str = "") -> Result:
        return cls(Outcome.DONE, detail, data=data or {})

    @classmethod
    def pending(cls, detail: str, data: Mapping[str, Any] | None = None) -> Result:
        return cls(Outcome.PENDING, detail, data=data or {})

    @classmethod
    def manual(cls, step: ManualStep, data: Mapping[str, Any] | None = None) -> Result:
        return cls(Outcome.MANUAL, step.title, step=step, data=data or {})

    @classmethod
    def failed(cls, reason: str) -> Result:
        return cls(Outcome.FAILED, reason)


@dataclass(frozen=True)
class AccountRef:
    """An account as a plugin sees it."""

    id: int
    name: str
    slug: str
    #: What the names its customers meet at vendors start with (a registry contact's handle, a hosting panel's
    #: login): 2 to 8 capital letters and digits, its own choice or made from its slug.
    handle_prefix: str
    #: Its vanity nameservers, that the domains it sells use; empty: the platform's own.
    nameservers: tuple[str, ...] = ()
    #: It sells to accounts of its own (a reseller or a distributor), rather than being an end customer.
    resells: bool = False
    #: It is a distributor: the top of its tree, buying from the vendors itself.
    distributor: bool = False


@dataclass(frozen=True)
class LifecycleRequest:
    """One provisioning request, as the product's lifecycle method receives it."""

    #: The provisioning request's id; the same on every attempt.
    id: int
    action: LifecycleAction
    #: Send it to the vendor so that a repeated call does not act twice.
    idempotency_key: str
    subscription_id: int
    #: The account that uses the subscription.
    owner: AccountRef
    #: The account that sells it.
    seller: AccountRef
    #: The plan and quantity the subscription has now (before a change).
    plan_code: str
    quantity: int
    params: Mapping[str, Any]
    #: What earlier results stored (``Result.data``), merged.
    data: Mapping[str, Any]
    #: For ``change``: the plan and quantity asked for.
    new_plan_code: str | None = None
    new_quantity: int | None = None
    #: For ``suspend``: why (``by_seller``, ``overdue``, ``expired``, ``by_vendor``).
    reason: str | None = None
    #: Keys of the manual steps people have completed for this request.
    completed_steps: frozenset[str] = frozenset()
    #: 1 on the first try.
    attempt: int = 1
    #: The account that pays: the owner, or the reseller that bought it for the owner (``None``: the owner).
    payer: AccountRef | None = None
    #: What the payer pays for it per billing period.
    price: Money | None = None
    #: It renews by itself at its period's end: a ``renew`` then is nobody's request.
    auto_renew: bool = False
    #: For ``transfer``: the seller the subscription had before its account moved to ``seller``.
    previous_seller: AccountRef | None = None
