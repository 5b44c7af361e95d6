"""The words the pages show for the platform's codes, in the request's language (``web.code_words``)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from core.code_words import status_said
from core.models.accounts import AccountKind
from core.models.catalog import BillingPeriod
from core.models.charges import ChargeKind
from core.models.orders import OrderStatus
from core.permissions import Permission
from core.product_lifecycle import LifecycleAction
from web.code_words import (
    account_kind_word,
    billing_period_word,
    charge_kind_word,
    lifecycle_word,
    permission_word,
    status_word,
)


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(("locale", "written"), [
    ("en", ("Awaiting payment", "View billing", "Proration", "One-off", "activate", "Reseller")),
    ("fr", ("Paiement attendu", "Voir la facturation", "Prorata", "Ponctuelle", "activation", "Revendeur")),
])
def test_each_kind_of_code_is_worded_in_the_requests_language(locale, written):
    with force_locale(locale):
        assert (status_word(OrderStatus.AWAITING_PAYMENT), permission_word(Permission.VIEW_BILLING),
                charge_kind_word(ChargeKind.PRORATION), billing_period_word(BillingPeriod.ONE_OFF),
                lifecycle_word(LifecycleAction.ACTIVATE), account_kind_word(AccountKind.RESELLER)) == written


def test_a_code_without_words_is_shown_as_its_words_capitalized_except_in_a_sentence():
    assert status_word("sent_back") == "Sent back" and permission_word("audit-log") == "Audit log"
    assert status_said("sent_back") == "sent back"  # what a refusal says of a status of a plugin's own
    assert lifecycle_word("hand_over") == "hand over"  # it sits in a sentence: "the hand over failed"
