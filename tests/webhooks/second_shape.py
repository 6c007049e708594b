"""A second surface's shape of conversation statuses, for the test that one kind may be
sent in a shape per surface (as a conversation status is a Libredesk and a Zendesk object)."""

from webhooks.catalogue import shape

RENDERED = []  # the objects each call rendered


@shape("conversation-status", prefix="acme.ticket_status", label="Acme ticket status")
def acme_statuses(objects):
    RENDERED.append(list(objects))
    return [{"label": status.name, "kind": status.category} for status in objects]
