"""English formats: every date and time the admin shows names its zone.

Django 5.2 always localizes, so the admin, simple_history's history table and a template's
`{{ value }}` or `|date:"DATETIME_FORMAT"` read these from the locale's format module;
settings.FORMAT_MODULE_PATH puts this one first (for "en" and "en-us" alike). "T" is the
zone's abbreviation at that moment in the zone being shown (UTC, CET, JST), or its offset
where the zone has no abbreviation ("+04"). Input formats stay Django's.
"""

# 7 Dec 2026, 14:05 CET
DATETIME_FORMAT = "j M Y, H:i T"
# 2026-12-07 14:05 CET
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
