"""Status models: helpdesk conversation statuses and chat custom user statuses."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class ConversationCategory(models.TextChoices):
    """What a conversation status means to the helpdesk's workflow."""

    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")


class ConversationStatus(models.Model):
    """A helpdesk conversation status (Libredesk), such as Open or Snoozed."""

    NAME_MAX_LENGTH = 25
    Category = ConversationCategory

    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    category = models.CharField(_("category"), max_length=16, choices=ConversationCategory.choices)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        editable=False,
        help_text=_("Default statuses ship with the portal and cannot be changed or deleted."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("conversation status")
        verbose_name_plural = _("conversation statuses")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="conversationstatus_name_ci_unique",
                violation_error_message=_("A conversation status with this name already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=ConversationCategory.values),
                name="conversationstatus_category_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="conversationstatus_name_not_blank"
            ),
        ]

    def __str__(self):
        return self.name
