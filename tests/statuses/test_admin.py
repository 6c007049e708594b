"""The conversation-status admin goes through the services and protects the defaults."""

import re

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


# --- the Zendesk fields in the admin (issue 27) ----------------------------------------------


def test_the_list_shows_what_agents_and_customers_see(admin_client):
    ConversationStatusFactory(
        name="Escalated", end_user_label="We are on it", status_category="hold"
    )
    response = admin_client.get(ADMIN, {"q": "escalated"})
    html = response.content.decode()
    for header in ("Agents see", "Customers see", "Category", "Active", "Default", "Built-in"):
        assert f">{header}<" in html or f">{header}</a>" in html, header
    (row,) = response.context["cl"].result_list
    model_admin = response.context["cl"].model_admin
    shown = (model_admin.agents_see(row), model_admin.customers_see(row))
    assert (*shown, model_admin.category_shown(row)) == ("Escalated", "We are on it", "On-hold")
    plain = ConversationStatusFactory(name="Plain")
    assert model_admin.customers_see(plain) == "Plain"  # no label of its own: the name
    # Searching finds a status by what customers see too.
    assert [s.name for s in admin_client.get(ADMIN, {"q": "on it"}).context["cl"].result_list] == [
        "Escalated"
    ]


def test_the_list_filters_by_status_category_and_active(admin_client):
    ConversationStatusFactory(name="Sleeping", status_category="hold", active=False)

    def names(**query):
        return sorted(s.name for s in admin_client.get(ADMIN, query).context["cl"].result_list)

    assert names(status_category__exact="hold") == ["On-hold", "Sleeping"]
    assert names(active__exact="0") == ["Sleeping"]
    assert names(is_category_default__exact="1") == [
        "New",
        "On-hold",
        "Open",
        "Resolved",
        "Snoozed",
    ]


def _counts(html):
    return {
        category: count
        for category, count in re.findall(
            r'<li class="[^"]*" data-category="(\w*)">[^<]*: <strong>(\d+ of \d+)</strong>', html
        )
    }


def test_the_list_counts_each_category_of_its_limit(admin_client):
    ConversationStatusFactory(name="Sleeping", status_category="hold", active=False)
    ConversationStatus.objects.bulk_create(
        ConversationStatus(name=f"Fill {i}", status_category="pending", category="waiting")
        for i in range(99)
    )
    html = admin_client.get(ADMIN).content.decode()
    assert _counts(html) == {
        "new": "1 of 100", "open": "1 of 100", "pending": "100 of 100", "hold": "2 of 100",
        "solved": "2 of 100", "": "106 of 300",
    }  # fmt: skip
    assert 'class="full" data-category="pending"' in html  # a full category stands out
    assert "Pending: <strong>100 of 100</strong>" in html
    # The counts are of every row, whatever the list is filtered by.
    assert (
        _counts(admin_client.get(ADMIN, {"status_category__exact": "new"}).content.decode())[""]
        == "106 of 300"
    )


def _make_default(admin_client, *statuses):
    return admin_client.post(
        ADMIN,
        {"action": "make_default", "_selected_action": [s.pk for s in statuses]},
        follow=True,
    )


def test_make_default_action(admin_client, admin_user):
    waiting = ConversationStatusFactory(name="Waiting", status_category="pending")
    done = ConversationStatusFactory(name="Done", status_category="solved")
    response = _make_default(admin_client, waiting, done)
    assert [str(m) for m in response.context["messages"]] == [
        "Waiting, Done are now the defaults of their categories."
    ]
    defaults = ConversationStatus.objects.filter(is_category_default=True)
    assert sorted(defaults.values_list("name", flat=True)) == [
        "Done", "New", "On-hold", "Open", "Waiting",
    ]  # fmt: skip
    last = ConversationStatus.history.filter(id=waiting.pk).latest("history_date")
    assert (last.is_category_default, last.history_user) == (True, admin_user)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (
            lambda: [
                ConversationStatusFactory(name="A", status_category="open"),
                ConversationStatusFactory(name="B", status_category="open"),
            ],
            "Only one status of a category can be its default.",
        ),
        (
            lambda: [
                ConversationStatusFactory(name="A", status_category="open"),
                ConversationStatusFactory(name="B", status_category="hold", active=False),
            ],
            "An inactive status cannot be the default of its category.",
        ),
    ],
)
def test_make_default_action_refused_changes_nothing_and_says_why(admin_client, make, reason):
    before = set(ConversationStatus.objects.filter(is_category_default=True))
    response = _make_default(admin_client, *make())
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("error", f"No default was changed: {reason}")
    ]
    assert set(ConversationStatus.objects.filter(is_category_default=True)) == before


def test_a_category_default_cannot_be_deleted_in_the_admin(admin_client):
    chosen = ConversationStatusFactory(name="Chosen", status_category="open")
    _make_default(admin_client, chosen)
    assert admin_client.post(f"{ADMIN}{chosen.pk}/delete/", {"post": "yes"}).status_code == 403
    other = ConversationStatusFactory(name="Other", status_category="open")
    response = admin_client.post(
        ADMIN,
        {"action": "delete_selected", "_selected_action": [chosen.pk, other.pk], "post": "yes"},
        follow=True,
    )
    assert "The default status Chosen cannot be deleted; it was kept." in [
        str(m) for m in response.context["messages"]
    ]
    assert set(ConversationStatus.objects.filter(name__in=["Chosen", "Other"])) == {chosen}


def test_switching_off_a_category_default_in_the_admin_is_refused(admin_client):
    chosen = ConversationStatusFactory(name="Chosen", status_category="open")
    _make_default(admin_client, chosen)
    response = admin_client.post(
        f"{ADMIN}{chosen.pk}/change/", {"name": "Chosen", "status_category": "open"}, follow=True
    )
    assert "The default status of a category must be active." in [
        str(m) for m in response.context["messages"]
    ]
    chosen.refresh_from_db()
    assert chosen.active is True
