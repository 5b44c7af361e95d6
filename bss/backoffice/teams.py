"""Back office: teams (being written)."""

from bss.backoffice import bp  # noqa: F401
