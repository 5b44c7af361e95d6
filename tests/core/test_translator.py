"""An email's ``Translator`` picks the plural its reader's language needs for a count."""

import pytest

from core.i18n import Translator

DAYS = ("%(num)s day", "%(num)s days")
TRIAL_ENDS = ("Your free trial of %(site)s ends in %(days)s day", "Your free trial of %(site)s ends in %(days)s days")


@pytest.mark.parametrize(("locale", "written"), [
    ("en", ["0 days", "1 day", "3 days"]),
    # French counts 0 as one.
    ("fr", ["0 jour", "1 jour", "3 jours"]),
])
def test_a_count_of_days_takes_the_plural_its_language_needs(locale, written):
    translator = Translator(locale)
    assert [translator.ngettext(*DAYS, count) % {"num": count} for count in (0, 1, 3)] == written


@pytest.mark.parametrize(("locale", "written"), [
    ("en", ["Your free trial of www.harbour-dental.com ends in 1 day",
            "Your free trial of www.harbour-dental.com ends in 3 days"]),
    ("fr", ["Votre essai gratuit du site www.harbour-dental.com se termine dans 1 jour",
            "Votre essai gratuit du site www.harbour-dental.com se termine dans 3 jours"]),
])
def test_a_trial_reminder_counts_its_days_in_the_reader_s_language(locale, written):
    translator = Translator(locale)
    assert [translator.ngettext(*TRIAL_ENDS, days) % {"site": "www.harbour-dental.com", "days": days}
            for days in (1, 3)] == written
