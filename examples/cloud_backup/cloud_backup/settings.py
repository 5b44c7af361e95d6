"""The plugin's one setting."""

from __future__ import annotations

from core.settings import Setting, whole_number

#: How many days back a vault keeps its daily copies, so how far back a restore can reach.
RETENTION_DAYS = Setting("CASCADE_CLOUD_BACKUP_RETENTION_DAYS", whole_number(1, 3650, "days"), 90,
                         "days a backup vault keeps its daily copies, so how far back a restore can reach")
