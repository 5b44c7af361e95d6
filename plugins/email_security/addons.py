"""The services an email security account has: spam and virus filtering, always, and three add-ons.

An account's add-ons are its plan: each set of add-ons is a plan of its own (eight in all),
priced per user like any plan, so that the core's price lists price every set at every level of
the tree and ``core.services.charges`` prorates a switch from one set to another as any change
of plan (see the package's docstring). This module is the one place that knows which plan has
which add-ons: ``plan_code`` and ``addons_of`` go from one to the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from core.languages import LOCALES
from core.money import Money
from core.products import Text

CURRENCY = "EUR"


@dataclass(frozen=True)
class Service:
    """One service of an account, as buyers read it and as the vendor's API names it."""

    #: The key an order's ``params.services`` and the vendor's API use.
    key: str
    name: Text
    #: The plan feature saying whether a plan has it.
    feature: str
    #: The vendor's suggested cost per user and month.
    cost: Money
    #: How the service reads in a plan's code.
    slug: str


FILTERING = Service("filtering", {"en": "Spam and virus filtering", "fr": "Filtrage du spam et des virus"},
                    "spam_and_virus_filtering", Money("1.00", CURRENCY), "filtering")
HOSTED_EMAIL = Service("hosted_email", {"en": "Hosted mailboxes", "fr": "Boîtes aux lettres hébergées"},
                       "hosted_mailboxes", Money("2.50", CURRENCY), "hosted-email")
ARCHIVING = Service("archiving", {"en": "Archiving and restore", "fr": "Archivage et restauration"},
                    "archiving_and_restore", Money("1.00", CURRENCY), "archiving")
ENCRYPTION = Service("encryption", {"en": "Encryption", "fr": "Chiffrement"}, "encryption",
                     Money("0.75", CURRENCY), "encryption")

#: The add-ons, in the order plan codes and names list them.
ADDONS: tuple[Service, ...] = (HOSTED_EMAIL, ARCHIVING, ENCRYPTION)
ADDON_KEYS = tuple(addon.key for addon in ADDONS)
BY_KEY = {service.key: service for service in (FILTERING, *ADDONS)}
#: How each service reads in a plan's name, by language.
_SHORT_NAMES = {FILTERING.key: {"en": "Filtering", "fr": "Filtrage"},
                HOSTED_EMAIL.key: {"en": "hosted mailboxes", "fr": "boîtes hébergées"},
                ARCHIVING.key: {"en": "archiving", "fr": "archivage"}, ENCRYPTION.key: {"en": "encryption", "fr": "chiffrement"}}


@dataclass(frozen=True)
class AddonSet:
    """A set of add-ons: one plan."""

    addons: frozenset[str]

    @property
    def code(self) -> str:
        return "-".join([FILTERING.slug, *(addon.slug for addon in ADDONS if addon.key in self.addons)])

    @property
    def name(self) -> dict[str, str]:
        """``Filtering``, ``Filtering + archiving``, ``Filtering + hosted mailboxes + encryption``, by language."""
        services = [FILTERING.key, *(addon.key for addon in ADDONS if addon.key in self.addons)]
        return {locale: " + ".join(_SHORT_NAMES[key][locale] for key in services) for locale in LOCALES}

    @property
    def cost(self) -> Money:
        return sum((addon.cost for addon in ADDONS if addon.key in self.addons), FILTERING.cost)

    @property
    def features(self) -> dict[str, bool]:
        return {FILTERING.feature: True, **{addon.feature: addon.key in self.addons for addon in ADDONS}}

    @property
    def services(self) -> list[str]:
        """Every service of the plan, filtering first, as the vendor's API takes them."""
        return [FILTERING.key, *(addon.key for addon in ADDONS if addon.key in self.addons)]


def every_set() -> list[AddonSet]:
    """Every set of add-ons, from none to all, cheapest first (the plans' rank order)."""
    sets = [AddonSet(frozenset(chosen)) for size in range(len(ADDONS) + 1) for chosen in combinations(ADDON_KEYS, size)]
    return sorted(sets, key=lambda found: (found.cost.amount, found.code))


_BY_CODE = {found.code: found for found in every_set()}


def addons_of(plan_code: str) -> frozenset[str]:
    """The add-ons of the plan ``plan_code``."""
    return _BY_CODE[plan_code].addons


def services_of(plan_code: str) -> list[str]:
    """Every service of the plan ``plan_code``, filtering first."""
    return _BY_CODE[plan_code].services


def plan_code(addons: frozenset[str] | set[str]) -> str:
    """The plan that has exactly ``addons``."""
    return AddonSet(frozenset(addons)).code


def is_account_plan(code: str) -> bool:
    return code in _BY_CODE


#: The product of the accounts themselves, priced per user; its plans are the sets of add-ons.
ACCOUNT_PRODUCT = "email_security"
#: The product of an account's extra domains, priced per domain.
DOMAINS_PRODUCT = "email_security_domains"
