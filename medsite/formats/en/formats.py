"""The admin's one date and time format, in English (``FORMAT_MODULE_PATH`` points here).

Day, abbreviated month, year, 24-hour time and the zone's abbreviation: "7 Dec 2026, 14:05 CET".
Unambiguous for readers on either side of the Atlantic, and the zone is always named because
each person reads times in their own (medsite/accounts/). Input formats stay Django's.
"""

from __future__ import annotations

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
