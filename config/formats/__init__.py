"""Date and time formats that override the locale's own (settings.FORMAT_MODULE_PATH)."""
