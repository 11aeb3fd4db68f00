"""The editor admin: condition pages with their parts, the workflow panel, history, comparison and
review screens, and the records the workflow writes. Django's autodiscovery imports this package;
each module registers its admins."""

from __future__ import annotations

from conditions.admin import conditions, readonly  # noqa: F401 (each registers its admins)
from conditions.admin.conditions import ConditionAdmin as ConditionAdmin
