"""The test card plugin's settings, ``CASCADE_TEST_CARD_*``, declared through the ``declared_settings`` hook.

Read at each charge (cheap, and a test or a deployment that points the URL elsewhere is seen at
once); every app checks them when it starts.
"""

from __future__ import annotations

from core.settings import Setting, http_url, seconds

#: Where the processor's simulator listens by default; the client's default URL.
SIMULATOR_PORT = 5084

URL = Setting("CASCADE_TEST_CARD_URL", http_url, f"http://127.0.0.1:{SIMULATOR_PORT}",
              "the test card processor's API; unset or local, `cascade run` starts its simulator there")
TIMEOUT = Setting("CASCADE_TEST_CARD_TIMEOUT", seconds(60), 10.0,
                  "seconds a card charge may take before the customer is asked to try again (never charged twice)")

SETTINGS = (URL, TIMEOUT)
