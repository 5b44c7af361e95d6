"""Back office: invitations (being written)."""

from bss.backoffice import bp  # noqa: F401
