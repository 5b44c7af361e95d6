"""Back office: API keys (being written)."""

from bss.backoffice import bp  # noqa: F401
