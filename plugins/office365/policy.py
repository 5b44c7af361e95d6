"""Microsoft's commerce rules, as policy a distributor adjusts through settings.

Seats can be added at any time, at once. Seats can be removed or the subscription cancelled
only within a window after its purchase or renewal
(``CASCADE_OFFICE365_CHANGE_WINDOW_DAYS``, 7 days by default); outside it, the change or the
cancellation is scheduled for the end of the term, when the subscription would renew. A lower
plan, or a shorter commitment, always waits for then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.clock import utcnow
from core.products import Cancellation, PlanChange, Timing
from plugins.office365.settings import Settings


@dataclass(frozen=True)
class CommercePolicy:
    #: How long after a purchase or a renewal seats can be reduced and the subscription cancelled.
    change_window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> CommercePolicy:
        return cls(change_window=timedelta(days=settings.change_window_days))

    def in_window(self, term_started_at: datetime | None) -> bool:
        """Whether now is within the window after the term began (a term not begun yet is)."""
        return term_started_at is None or utcnow() < term_started_at + self.change_window

    def change_timing(self, change: PlanChange) -> Timing:
        """More seats or a higher plan at once; fewer seats at once only inside the window; a lower plan
        or a shorter commitment at renewal."""
        if change.is_downgrade or change.new_plan.term_months < change.plan.term_months:
            return Timing.END_OF_TERM
        if change.new_quantity < change.quantity and not self.in_window(change.term_started_at):
            return Timing.END_OF_TERM
        return Timing.NOW

    def cancel_timing(self, cancellation: Cancellation) -> Timing:
        """Cancelled now only inside the window; otherwise at the end of the term."""
        if cancellation.asked is Timing.NOW and not self.in_window(cancellation.term_started_at):
            return Timing.END_OF_TERM
        return cancellation.asked
