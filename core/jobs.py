"""Work the scheduler runs for plugins every minute: expiring trials, releasing lapsed names, ...

A plugin returns ``ScheduledJob`` objects from its ``scheduled_jobs`` hook. Beat runs every
job once a minute, each in a transaction of its own, so that one job failing leaves the others
be. A job reads only what is due, acts through services, flushes and never commits; running it
twice, or late, does no harm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.plugins import pm


@dataclass(frozen=True)
class ScheduledJob:
    """One piece of periodic work a plugin declares."""

    #: Unique on the platform; it names the job in the worker's log.
    name: str
    #: Does what is due now; answers how many things it acted on.
    run: Callable[[Session], int]


class DuplicateJobError(Exception):
    """Two plugins declared jobs of the same name."""


def scheduled_jobs() -> dict[str, ScheduledJob]:
    """Every job the registered plugins declare, by name."""
    found: dict[str, ScheduledJob] = {}
    for declared in pm.hook.scheduled_jobs():
        for job in declared or ():
            if job.name in found:
                raise DuplicateJobError(f"two plugins declare a scheduled job named {job.name!r}")
            found[job.name] = job
    return dict(sorted(found.items()))
