"""Explicit state machines: a table of allowed moves, and a named error for any other."""

from __future__ import annotations

from collections.abc import Mapping, Set
from enum import StrEnum
from typing import Generic, TypeVar

from core.errors import IllegalTransitionError

S = TypeVar("S", bound=StrEnum)


class StateMachine(Generic[S]):
    """The allowed transitions between the states of one kind of object."""

    def __init__(self, name: str, transitions: Mapping[S, Set[S]]) -> None:
        self.name = name
        self._transitions = {state: frozenset(targets) for state, targets in transitions.items()}
        states = set(self._transitions) | {t for ts in self._transitions.values() for t in ts}
        unknown = states - set(self._transitions)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ValueError(f"{name}: states without a row in the table: {names}")

    def allowed(self, current: S) -> frozenset[S]:
        """Return the states reachable in one move from ``current``."""
        return self._transitions[current]

    def can(self, current: S, target: S) -> bool:
        return target in self._transitions[current]

    def check(self, current: S, target: S) -> S:
        """Return ``target`` if the move is allowed, else raise ``IllegalTransitionError``."""
        if not self.can(current, target):
            raise IllegalTransitionError(self.name, current, target)
        return target

    def is_final(self, state: S) -> bool:
        return not self._transitions[state]
