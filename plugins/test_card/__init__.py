"""Test card: a payment provider for cards, on a card processor's test API, for development and tests.

- ``provider``: the ``core.payments.PaymentProvider`` that takes cards (``register_payment_providers``).
- ``client``: the processor's REST API over ``plugin_kit.vendor_http``.
- ``simulator``: the processor, with its documented test card numbers; ``cascade run`` starts it
  and the tests serve it.
- ``settings``: where the processor is, and how long a charge may take.
"""

from __future__ import annotations

from core.payments import PaymentProvider
from core.plugins import hookimpl
from core.settings import Setting
from plugin_kit.simulators import Simulator
from plugins.test_card import settings
from plugins.test_card.provider import CardProvider
from plugins.test_card.simulator import CardProcessorSimulator


@hookimpl
def declared_settings() -> tuple[Setting[object], ...]:
    return settings.SETTINGS


@hookimpl
def register_payment_providers() -> list[PaymentProvider]:
    return [CardProvider()]


@hookimpl
def local_simulators() -> list[Simulator]:
    return [Simulator(name="test-card", url_setting=settings.URL.name, default_port=settings.SIMULATOR_PORT,
                      app=CardProcessorSimulator)]
