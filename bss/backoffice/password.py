"""Back office: password (being written)."""

from bss.backoffice import bp  # noqa: F401
