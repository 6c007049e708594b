"""Template filters for the admin's history pages (simple_history's list, overridden)."""

from django import template
from django.utils.translation import gettext as _

from core.history import command_of

register = template.Library()


@register.filter
def system_actor(record) -> str:
    """Who made a change that has no user: "system (<command>)" for a management command's,
    else "system" (a data migration's, say)."""
    command = command_of(record.history_change_reason)
    return _("system (%(command)s)") % {"command": command} if command else _("system")


@register.filter
def shown_reason(record) -> str:
    """The change reason worth showing: none for an empty one or a command's (the command
    shows as who made the change)."""
    reason = record.history_change_reason
    return "" if not reason or command_of(reason) else reason


@register.filter
def any_shown_reason(records) -> bool:
    """Whether any of `records` has a reason worth a column."""
    return any(shown_reason(record) for record in records)
