"""The conversation-status admin goes through the services and protects the defaults."""

import pytest

from statuses.models import ConversationStatus, UserStatus
from tests.factories import ConversationStatusFactory, UserStatusFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/statuses/conversationstatus/"


def test_admin_creates_and_refuses_duplicate(admin_client):
    response = admin_client.post(
        f"{ADMIN}add/", {"name": "Escalated", "status_category": "open", "active": "on"}
    )
    assert response.status_code == 302
    assert ConversationStatus.objects.filter(name="Escalated").exists()
    response = admin_client.post(
        f"{ADMIN}add/", {"name": "ESCALATED", "status_category": "pending", "active": "on"}
    )
    assert response.status_code == 200
    assert "A conversation status with this name already exists." in response.content.decode()
    assert ConversationStatus.objects.filter(name__iexact="escalated").count() == 1


def test_admin_list_search_and_filter(admin_client):
    ConversationStatusFactory(name="Awaiting customer", status_category="pending")

    def names(**query):
        response = admin_client.get(ADMIN, query)
        return sorted(s.name for s in response.context["cl"].result_list)

    assert names(q="awaiting") == ["Awaiting customer"]
    assert names(status_category__exact="solved") == ["Closed", "Resolved"]
    assert names(status_category__exact="pending") == ["Awaiting customer", "Snoozed"]


def test_admin_cannot_edit_or_delete_defaults(admin_client):
    default = ConversationStatus.objects.get(name="Open")
    admin_client.post(
        f"{ADMIN}{default.pk}/change/",
        {"name": "Changed", "status_category": "open", "active": "on"},
    )
    default.refresh_from_db()
    assert default.name == "Open"
    response = admin_client.post(f"{ADMIN}{default.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    admin_client.post(
        ADMIN, {"action": "delete_selected", "_selected_action": [default.pk], "post": "yes"}
    )
    assert ConversationStatus.objects.filter(pk=default.pk).exists()


def test_admin_edits_and_deletes_custom_status(admin_client):
    status = ConversationStatusFactory(name="Custom")
    admin_client.post(
        f"{ADMIN}{status.pk}/change/",
        {"name": "Custom 2", "status_category": "hold", "active": "on"},
    )
    status.refresh_from_db()
    assert (status.name, status.status_category, status.category) == ("Custom 2", "hold", "waiting")
    admin_client.post(f"{ADMIN}{status.pk}/delete/", {"post": "yes"})
    assert not ConversationStatus.objects.filter(pk=status.pk).exists()


USER_STATUS_ADMIN = "/admin/statuses/userstatus/"


def test_user_status_admin_uses_the_api_rules(admin_client):
    response = admin_client.post(f"{USER_STATUS_ADMIN}add/", {"name": "a<b", "status_type": "busy"})
    assert response.status_code == 200
    assert "A name cannot contain &lt; or &gt;." in response.content.decode()
    response = admin_client.post(
        f"{USER_STATUS_ADMIN}add/", {"name": "Lunch", "status_type": "away"}
    )
    assert response.status_code == 302
    status = UserStatus.objects.get(name="Lunch")
    assert len(status.pk) == 17
    response = admin_client.post(
        f"{USER_STATUS_ADMIN}add/", {"name": "LUNCH", "status_type": "busy"}
    )
    assert response.status_code == 200
    assert "already in use" in response.content.decode()
    assert UserStatus.objects.count() == 1


def test_user_status_admin_search_and_filter(admin_client):
    UserStatusFactory(name="Lunch", status_type="away")
    UserStatusFactory(name="Meeting", status_type="busy")

    def names(**query):
        response = admin_client.get(USER_STATUS_ADMIN, query)
        return sorted(s.name for s in response.context["cl"].result_list)

    assert names(q="lun") == ["Lunch"]
    assert names(status_type__exact="busy") == ["Meeting"]


def test_login_tokens_admin_lists_and_revokes(admin_client, rc_login):
    from access.models import LoginToken

    agent = rc_login()
    token = LoginToken.objects.get(user=agent.user)
    response = admin_client.get("/admin/access/logintoken/")
    assert agent.user.username in response.content.decode()
    admin_client.post(f"/admin/access/logintoken/{token.pk}/delete/", {"post": "yes"})
    assert agent.get("/api/v1/me").status_code == 401


def _select_all(admin_client, **extra):
    pks = list(ConversationStatus.objects.values_list("pk", flat=True))
    return admin_client.post(
        ADMIN, {"action": "delete_selected", "_selected_action": pks, **extra}, follow=True
    )


def test_bulk_delete_confirmation_names_the_defaults_it_keeps(admin_client):
    ConversationStatusFactory(name="Escalated")
    ConversationStatusFactory(name="Pending")
    response = _select_all(admin_client)
    html = response.content.decode()
    assert "permission" not in html
    assert (
        "Open, Snoozed, Resolved, Closed, New, On-hold are default statuses and cannot be deleted"
        in html
    )
    # The list of what will be deleted holds the custom statuses alone.
    listed = " ".join(str(o) for o in response.context["deletable_objects"][0])
    assert "Escalated" in listed and "Pending" in listed
    assert not any(
        name in listed for name in ["Open", "Snoozed", "Resolved", "Closed", "New", "On-hold"]
    )
    assert response.context["objects_name"] == "conversation statuses"
    # The form carries the whole selection, so the result can name the kept ones.
    assert len(response.context["queryset"]) == ConversationStatus.objects.count()
    assert ConversationStatus.objects.count() == 8  # nothing deleted before the confirmation


def test_bulk_delete_deletes_the_others_through_the_service_and_warns(admin_client, admin_user):
    custom = [ConversationStatusFactory(name=n) for n in ["Escalated", "Pending"]]
    response = _select_all(admin_client, post="yes")
    assert response.status_code == 200
    assert sorted(ConversationStatus.objects.values_list("name", flat=True)) == [
        "Closed",
        "New",
        "On-hold",
        "Open",
        "Resolved",
        "Snoozed",
    ]
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert ("success", "Successfully deleted 2 conversation statuses.") in messages
    assert (
        "warning",
        "The default statuses Open, Snoozed, Resolved, Closed, New, On-hold cannot be deleted; "
        "they were kept.",
    ) in messages
    for status in custom:  # the service's delete, recorded with the manager
        last = ConversationStatus.history.filter(id=status.pk).latest("history_date")
        assert (last.history_type, last.history_user) == ("-", admin_user)


def test_bulk_delete_of_one_default_alone_says_so_in_the_singular(admin_client):
    default = ConversationStatus.objects.get(name="Snoozed")
    response = admin_client.post(
        ADMIN, {"action": "delete_selected", "_selected_action": [default.pk]}, follow=True
    )
    assert response.redirect_chain  # straight back to the list, no confirmation page
    assert [str(m) for m in response.context["messages"]] == [
        "The default status Snoozed cannot be deleted; it was kept."
    ]
    assert ConversationStatus.objects.filter(pk=default.pk).exists()


def test_bulk_delete_needs_the_delete_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="pw-12345678", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_conversationstatus"),
        Permission.objects.get(codename="change_conversationstatus"),
    )
    client.force_login(user)
    status = ConversationStatusFactory(name="Escalated")
    response = client.get(ADMIN)
    assert "delete_selected" not in response.content.decode()
    client.post(
        ADMIN, {"action": "delete_selected", "_selected_action": [status.pk], "post": "yes"}
    )
    assert ConversationStatus.objects.filter(pk=status.pk).exists()
