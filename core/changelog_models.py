"""The fields the change log adds to every history table (core.history.HistoricalRecords)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HistorySource(models.Model):
    """The fields every history row adds to simple_history's: where its change came from."""

    history_source = models.CharField(_("source"), max_length=40, blank=True, default="")
    history_credential = models.CharField(_("credential"), max_length=150, blank=True, default="")

    class Meta:
        abstract = True
