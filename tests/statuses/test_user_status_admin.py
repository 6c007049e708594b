"""The custom user status admin as a Genesys presence definition too (issue 28): grouped by
system presence with "N of 30 active" counts, filters by presence and division, the
Reactivate and Deactivate actions, the labels inline saved through the service, the labels'
history, and the line that shows one record on both wires."""

import html
import re

import pytest

from statuses import services
from statuses.models import MAX_ACTIVE_PER_PRESENCE, UserStatus, UserStatusTranslation
from tests.factories import UserStatusFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/statuses/userstatus/"


def labels_of(status):
    return dict(UserStatusTranslation.objects.filter(status=status).values_list("locale", "label"))


def inline(*rows, initial=0):
    """The labels inline's POST data: its management form and `rows` (dicts of its fields)."""
    data = {
        "translations-TOTAL_FORMS": str(len(rows)),
        "translations-INITIAL_FORMS": str(initial),
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"translations-{index}-{name}"] = value
    return data


def existing(status, **changes):
    """An inline row for each stored label of `status`, with `changes` by locale."""
    return [
        {
            "id": str(row.pk),
            "status": status.pk,
            "locale": row.locale,
            "label": row.label,
            **changes.get(row.locale, {}),
        }
        for row in UserStatusTranslation.objects.filter(status=status).order_by("id")
    ]


def form(status=None, **values):
    base = {"name": "Lunch", "status_type": "away", "system_presence": "", "active": "on"}
    if status is not None:
        base.update(
            name=status.name,
            status_type=status.status_type,
            system_presence=status.system_presence or "",
            division_id=status.division_id,
        )
    return {**base, **values}


# --- the list ---------------------------------------------------------------------------------


def test_the_list_is_grouped_by_presence_with_active_counts_of_the_limit(admin_client):
    UserStatusFactory(name="A chat busy", status_type="busy")
    UserStatusFactory(name="B meal", status_type="away", system_presence="Meal")
    UserStatusFactory(name="C meal off", status_type="away", system_presence="Meal", active=False)
    UserStatusFactory(name="D ready", status_type="online")
    UserStatusFactory(name="E queue", status_type="online", system_presence="OnQueue")
    response = admin_client.get(ADMIN)
    names = [s.name for s in response.context["cl"].result_list]
    # Available, Busy, On Queue, Meal: SystemPresence's order, then by name.
    assert names == ["D ready", "A chat busy", "E queue", "B meal", "C meal off"]
    page = response.content.decode()
    counts = dict(re.findall(r'data-category="(\w+)">[^<]*<strong>(\d+ of \d+)</strong>', page))
    assert counts["Meal"] == f"1 of {MAX_ACTIVE_PER_PRESENCE}"
    assert counts["Available"] == counts["Busy"] == counts["OnQueue"] == "1 of 30"
    assert counts["Break"] == "0 of 30" and len(counts) == 10
    assert 'aria-label="Active statuses per presence"' in page
    assert "On Queue" in page  # the presence column shows the label


def test_the_presence_and_division_filters(admin_client):
    UserStatusFactory(name="Chat away", status_type="away")
    UserStatusFactory(name="Own away", status_type="away", system_presence="Away")
    UserStatusFactory(name="Meal", status_type="away", system_presence="Meal", division_id="d1")

    def names(**query):
        response = admin_client.get(ADMIN, query)
        return sorted(s.name for s in response.context["cl"].result_list)

    assert names(presence="Away") == ["Chat away", "Own away"]
    assert names(presence="Meal") == ["Meal"]
    assert names(division_id="d1") == ["Meal"]
    assert names(division_id="*") == ["Chat away", "Own away"]
    assert names(active__exact="1") == ["Chat away", "Meal", "Own away"]


# --- the actions ------------------------------------------------------------------------------


def act(admin_client, action, *statuses):
    return admin_client.post(
        ADMIN,
        {"action": action, "_selected_action": [s.pk for s in statuses]},
        follow=True,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_deactivate_and_reactivate_from_the_list(admin_client):
    lunch = UserStatusFactory(name="Lunch", status_type="away", system_presence="Meal")
    coffee = UserStatusFactory(name="Coffee", status_type="away", system_presence="Break")
    response = act(admin_client, "deactivate", lunch, coffee)
    assert messages_of(response) == ["Coffee, Lunch are now inactive."]
    assert not UserStatus.objects.filter(active=True).exists()
    response = act(admin_client, "reactivate", lunch)
    assert messages_of(response) == ["Lunch is active again."]
    lunch.refresh_from_db()
    coffee.refresh_from_db()
    assert (lunch.active, coffee.active) == (True, False)
    assert lunch.history.first().history_source == "admin"


def test_reactivate_beyond_the_limit_is_refused_with_a_message(admin_client):
    UserStatus.objects.bulk_create(
        UserStatus(name=f"Meal {i}", status_type="away", system_presence="Meal")
        for i in range(MAX_ACTIVE_PER_PRESENCE)
    )
    napping = UserStatusFactory(
        name="Nap", status_type="away", system_presence="Meal", active=False
    )
    other = UserStatusFactory(name="Walk", status_type="away", active=False)
    response = act(admin_client, "reactivate", napping, other)
    assert messages_of(response) == [
        "Walk is active again.",
        "Nap was not reactivated: There can be at most 30 active custom user statuses "
        "of one presence.",
    ]
    napping.refresh_from_db()
    assert napping.active is False


# --- the form and its labels ------------------------------------------------------------------


def test_the_change_page_shows_one_record_on_both_wires(admin_client):
    status = UserStatusFactory(name="Lunch")
    page = admin_client.get(f"{ADMIN}{status.pk}/change/").content.decode()
    assert (
        f"Rocket.Chat _id {status.pk} = Genesys presence definition "
        f"/api/v2/presence/definitions/{status.pk}"
    ) in html.unescape(page)


def test_an_added_status_takes_its_canonical_label_as_its_name(admin_client):
    rows = [{"locale": "fr", "label": "Déjeuner"}, {"locale": "en_US", "label": "Lunch break"}]
    data = form(name="ignored", system_presence="Meal", **inline(*rows))
    response = admin_client.post(f"{ADMIN}add/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    status = UserStatus.objects.get()
    assert (status.name, status.system_presence) == ("Lunch break", "Meal")
    assert labels_of(status) == {"fr": "Déjeuner", "en-us": "Lunch break"}


def test_an_added_status_without_labels_is_labelled_by_its_name(admin_client):
    assert admin_client.post(f"{ADMIN}add/", form(**inline())).status_code == 302
    assert labels_of(UserStatus.objects.get()) == {"en-us": "Lunch"}


def test_a_rename_moves_the_canonical_label_and_an_edited_label_renames(admin_client):
    status = services.user_status_create(
        name="x", status_type="away", labels={"en-us": "Lunch", "fr": "Déjeuner"}
    )
    rows = existing(status)
    data = form(status, name="Long lunch", **inline(*rows, initial=len(rows)))
    assert admin_client.post(f"{ADMIN}{status.pk}/change/", data).status_code == 302
    status.refresh_from_db()
    assert status.name == "Long lunch"
    assert labels_of(status) == {"en-us": "Long lunch", "fr": "Déjeuner"}
    rows = existing(status, **{"en-us": {"label": "Brunch"}, "fr": {"DELETE": "on"}})
    data = form(status, **inline(*rows, initial=len(rows)))
    assert admin_client.post(f"{ADMIN}{status.pk}/change/", data).status_code == 302
    status.refresh_from_db()
    assert status.name == "Brunch" and labels_of(status) == {"en-us": "Brunch"}
    assert status.history.count() == 3  # one version per save, labels and fields together


def test_a_label_taken_as_another_status_name_is_refused_and_nothing_changes(admin_client):
    UserStatusFactory(name="Coffee")
    status = services.user_status_create(name="Lunch", status_type="away")
    rows = existing(status, **{"en-us": {"label": "COFFEE"}})
    data = form(status, **inline(*rows, initial=len(rows)))
    response = admin_client.post(f"{ADMIN}{status.pk}/change/", data, follow=True)
    assert "The custom user status name is already in use." in messages_of(response)
    status.refresh_from_db()
    assert status.name == "Lunch" and labels_of(status) == {"en-us": "Lunch"}


def test_the_history_page_shows_the_label_changes(admin_client, admin_user):
    status = services.user_status_create(name="Lunch", status_type="away")
    rows = [*existing(status), {"locale": "fr", "label": "Déjeuner"}]
    data = form(status, **inline(*rows, initial=1))
    assert admin_client.post(f"{ADMIN}{status.pk}/change/", data).status_code == 302
    rows = existing(status, fr={"label": "Repas"})
    data = form(status, **inline(*rows, initial=2))
    assert admin_client.post(f"{ADMIN}{status.pk}/change/", data).status_code == 302
    records = UserStatusTranslation.history.filter(status_id=status.pk, locale="fr")
    assert [
        (r.history_type, r.label, r.history_user) for r in records.order_by("history_date")
    ] == [
        ("+", "Déjeuner", admin_user),
        ("~", "Repas", admin_user),
    ]
    page = admin_client.get(f"{ADMIN}{status.pk}/history/").content.decode()
    section = html.unescape(page.split('id="translation-history"')[1])
    rows = section.split('<tr class="translation-change">')[1:]
    assert len(rows) == 3  # newest first: fr changed, fr created, en-us created
    assert re.search(r"<strong>label:</strong> Déjeuner\s+→\s+Repas", rows[0])
    assert "Created" in rows[1] and "Déjeuner" in rows[1]
    assert "en-us" in rows[2] and "Lunch" in rows[2]


def test_a_revert_from_the_history_is_written_through_the_service(admin_client):
    status = services.user_status_create(
        name="Lunch", status_type="away", labels={"en-us": "Lunch", "fr": "Déjeuner"}
    )
    first = status.history.get()
    services.user_status_update(status=status, name="Brunch", status_type="busy")
    response = admin_client.post(
        f"{ADMIN}{status.pk}/history/{first.history_id}/",
        {"name": "Lunch", "status_type": "away", "active": "on", "division_id": "*"},
    )
    assert response.status_code == 302
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Lunch", "away")
    assert labels_of(status) == {"en-us": "Lunch", "fr": "Déjeuner"}
    assert status.history.count() == 3


def test_a_script_that_posts_only_the_fields_still_saves(admin_client):
    status = services.user_status_create(name="Lunch", status_type="away", labels={"fr": "Pause"})
    data = {"name": "Repas", "status_type": "away", "active": "on"}
    assert admin_client.post(f"{ADMIN}{status.pk}/change/", data).status_code == 302
    status.refresh_from_db()
    assert (status.name, status.division_id) == ("Repas", "*")
    assert labels_of(status) == {"fr": "Repas"}


def test_the_change_form_keeps_the_limit_it_shows(admin_client):
    UserStatus.objects.bulk_create(
        UserStatus(name=f"Meal {i}", status_type="away", system_presence="Meal")
        for i in range(MAX_ACTIVE_PER_PRESENCE)
    )
    parked = UserStatusFactory(name="Nap", status_type="away", system_presence="Meal", active=False)
    coffee = UserStatusFactory(name="Coffee", status_type="away", system_presence="Break")
    # Ticking Active, moving an active status to Meal, adding one: each is refused.
    for url, data in (
        (f"{ADMIN}{parked.pk}/change/", form(parked, active="on")),
        (f"{ADMIN}{coffee.pk}/change/", form(coffee, system_presence="Meal")),
        (f"{ADMIN}add/", form(name="Supper", system_presence="Meal")),
    ):
        response = admin_client.post(url, data, follow=True)
        assert "There can be at most 30" in " ".join(messages_of(response)), url
    assert UserStatus.objects.filter(active=True, system_presence="Meal").count() == 30
    assert not UserStatus.objects.filter(name="Supper").exists()


def test_delete_selected_goes_through_the_service(admin_client):
    from tests.factories import webhook_owner
    from webhooks import services as webhooks
    from webhooks.models import Event

    webhooks.subscription_create(
        owner=webhook_owner(),
        url="http://127.0.0.1:9/hook",
        event_types=["rocketchat.user_status.deleted"],
    )
    first, second = UserStatusFactory(name="One"), UserStatusFactory(name="Two")
    response = admin_client.post(
        ADMIN,
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not UserStatus.objects.exists()
    assert Event.objects.filter(type="rocketchat.user_status.deleted").count() == 2
