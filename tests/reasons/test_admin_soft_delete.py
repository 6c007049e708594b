"""The reasons admin (issue 14, item 5 and the list's accessibility): deleted reasons hidden
by default and marked when shown, Restore, a Delete selected that says it is a soft delete,
plural messages, and the list's position inputs (labelled, saved together)."""

import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.messages import get_messages

from reasons import services
from reasons.models import Account, StatusReason
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/reasons/statusreason/"


@pytest.fixture
def acme():
    account = AccountFactory(id="acme", name="Acme")
    items = [services.ReasonFields(text=t, state="Away") for t in ("Lunch", "Training", "Break")]
    services.reason_create_many(account=account, items=items)
    return account


def reason(text):
    return StatusReason.objects.get(text=text)


def delete(*texts):
    services.reasons_set_flags(reasons=[reason(t) for t in texts], deleted=True)


def shown(client, **query):
    return [r.text for r in client.get(ADMIN, query).context["cl"].result_list]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def revision():
    return Account.objects.get(pk="acme").revision


# --- the Deleted filter --------------------------------------------------------------------


def test_the_list_hides_deleted_reasons_unless_asked(admin_client, acme):
    delete("Training")
    assert shown(admin_client) == ["Lunch", "Break"]
    assert shown(admin_client, deleted="0") == ["Lunch", "Break"]
    assert shown(admin_client, deleted="1") == ["Training"]
    assert shown(admin_client, deleted="all") == ["Lunch", "Training", "Break"]


def test_the_filter_offers_no_yes_all_with_no_selected_by_default(admin_client, acme):
    html = admin_client.get(ADMIN).content.decode()
    deleted_filter = html[html.index("By deleted") :]
    deleted_filter = deleted_filter[: deleted_filter.index("</details>")]
    choices = re.findall(
        r'<li( class="selected")?>\s*<a href="([^"]*)"[^>]*>([^<]*)</a>', deleted_filter
    )
    assert [(bool(selected), href, label) for selected, href, label in choices] == [
        (True, "?", "No"),
        (False, "?deleted=1", "Yes"),
        (False, "?deleted=all", "All"),
    ]
    html = admin_client.get(ADMIN, {"deleted": "all"}).content.decode()
    assert re.search(r'<li class="selected">\s*<a href="\?deleted=all"', html)


def test_deleted_rows_are_marked_not_ticked(admin_client, acme):
    delete("Training")
    html = admin_client.get(ADMIN, {"deleted": "all"}).content.decode()
    rows = {
        re.search(r">(Lunch|Training|Break)</a>", row).group(1): row
        for row in re.findall(r"<tr>.*?</tr>", html, re.S)
        if re.search(r">(Lunch|Training|Break)</a>", row)
    }
    assert '<span class="reason-deleted">Deleted</span>' in rows["Training"]
    assert "reason-deleted" not in rows["Lunch"]
    # No boolean icon says "deleted: yes" (the enabled column's icons are the only ones).
    assert rows["Training"].count("icon-yes.svg") == 1  # enabled
    # The default list has no deleted column at all.
    assert "column-deleted_mark" not in admin_client.get(ADMIN).content.decode()


# --- Restore -------------------------------------------------------------------------------


def test_a_deleted_reasons_page_offers_restore_not_delete_or_save(admin_client, acme):
    delete("Training")
    html = admin_client.get(f"{ADMIN}{reason('Training').pk}/change/").content.decode()
    restore = f'formaction="{ADMIN}{reason("Training").pk}/restore/"'
    assert restore in html and 'value="Restore"' in html
    assert 'class="deletelink"' not in html and 'name="_save"' not in html
    # Deleted in words, with where Restore puts it (not a green tick, not a position).
    assert "<strong>Yes.</strong> LivePerson API clients no longer see it. Restore puts it " in html
    assert "back at position 2." in html
    assert "field-order" not in html
    live = admin_client.get(f"{ADMIN}{reason('Lunch').pk}/change/").content.decode()
    assert "restore/" not in live and 'class="deletelink"' in live


def test_restore_brings_the_reason_back_at_its_position(admin_client, admin_user, acme):
    delete("Training")
    before = revision()
    response = admin_client.post(f"{ADMIN}{reason('Training').pk}/restore/")
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}{reason('Training').pk}/change/"
    assert messages_of(response) == ["The status reason “Training” was restored, at position 2."]
    assert list(StatusReason.objects.order_by("order").values_list("text", "order")) == [
        ("Lunch", 1),
        ("Training", 2),
        ("Break", 3),
    ]
    assert revision() == before + 1  # through the service: the API sees it
    last = StatusReason.history.filter(id=reason("Training").pk).latest("history_date")
    assert (last.deleted, last.history_user) == (False, admin_user)
    entry = LogEntry.objects.get(object_id=str(reason("Training").pk))
    assert (entry.action_flag, entry.change_message) == (CHANGE, "Restored.")


def test_restore_is_a_post_that_needs_the_change_permission(client, acme):
    delete("Training")
    url = f"{ADMIN}{reason('Training').pk}/restore/"
    viewer = UserFactory(is_staff=True, perms=["reasons.view_statusreason"])
    acme.members.add(viewer)
    client.force_login(viewer)
    html = client.get(f"{ADMIN}{reason('Training').pk}/change/").content.decode()
    assert "restore/" not in html  # no button for who cannot use it
    assert client.post(url).status_code == 403
    assert reason("Training").deleted
    editor = UserFactory(
        is_staff=True, perms=["reasons.view_statusreason", "reasons.change_statusreason"]
    )
    client.force_login(editor)
    # Not a member of acme: the reason is not there for them.
    assert client.post(url).status_code == 302 and reason("Training").deleted
    acme.members.add(editor)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not reason("Training").deleted


def test_restoring_a_text_taken_again_is_refused_with_a_message(admin_client, acme):
    delete("Training")
    gone = reason("Training")
    services.reason_create(
        account=acme, fields=services.ReasonFields(text="training", state="Away")
    )
    response = admin_client.post(f"{ADMIN}{gone.pk}/restore/")
    assert messages_of(response) == ["A status reason with this text already exists"]
    assert StatusReason.objects.get(pk=gone.pk).deleted


def test_a_deleted_reason_is_not_deleted_twice(admin_client, acme):
    delete("Training")
    assert admin_client.get(f"{ADMIN}{reason('Training').pk}/delete/").status_code == 403


# --- Delete: a soft delete, and it says so -------------------------------------------------


def test_delete_selected_asks_first_and_says_it_is_a_soft_delete(admin_client, acme):
    delete("Break")
    ids = [reason(t).pk for t in ("Lunch", "Training", "Break")]
    response = admin_client.post(
        f"{ADMIN}?deleted=all", {"action": "delete_selected", "_selected_action": ids}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "These 2 status reasons will be <strong>soft-deleted</strong>" in html
    assert "<em>Restore</em> brings them back" in html
    assert "<li>Lunch (acme (Acme))</li>" in html and "<li>Training (acme (Acme))</li>" in html
    assert "Break is already deleted and stays as it is." in html
    assert "Historical" not in html  # Django's own page lists the history rows as deleted
    assert not StatusReason.objects.filter(deleted=True).exclude(text="Break").exists()


@pytest.mark.parametrize(
    ("texts", "message"),
    [(["Lunch"], "1 reason deleted."), (["Lunch", "Break"], "2 reasons deleted.")],
)
def test_delete_selected_confirmed_is_a_soft_delete_with_a_plural_message(
    admin_client, acme, texts, message
):
    ids = [reason(t).pk for t in texts]
    response = admin_client.post(
        ADMIN, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert messages_of(response) == [message]
    assert sorted(
        StatusReason.objects.filter(deleted=True).values_list("text", flat=True)
    ) == sorted(texts)
    assert StatusReason.objects.count() == 3  # nothing erased


def test_the_delete_link_of_a_reason_says_it_is_a_soft_delete(admin_client, acme):
    url = f"{ADMIN}{reason('Training').pk}/delete/"
    html = admin_client.get(url).content.decode()
    assert "will be <strong>soft-deleted</strong>" in html and "Historical" not in html
    admin_client.post(url, {"post": "yes"})
    assert reason("Training").deleted
    assert list(StatusReason.objects.filter(deleted=False).values_list("text", "position")) == [
        ("Lunch", 1),
        ("Break", 2),
    ]


def test_delete_selected_needs_the_delete_permission(client, acme):
    editor = UserFactory(
        is_staff=True, perms=["reasons.view_statusreason", "reasons.change_statusreason"]
    )
    acme.members.add(editor)
    client.force_login(editor)
    actions = client.get(ADMIN).context["action_form"].fields["action"].choices
    assert "delete_selected" not in dict(actions)
    client.post(
        ADMIN,
        {"action": "delete_selected", "_selected_action": [reason("Lunch").pk], "post": "yes"},
    )
    assert not reason("Lunch").deleted


@pytest.mark.parametrize(
    ("action", "one", "two"),
    [
        ("disable", "1 reason disabled.", "2 reasons disabled."),
        ("enable", "1 reason enabled.", "2 reasons enabled."),
    ],
)
def test_action_messages_are_plural_aware(admin_client, acme, action, one, two):
    if action == "enable":
        services.reasons_set_flags(reasons=list(StatusReason.objects.all()), enabled=False)
    first = admin_client.post(ADMIN, {"action": action, "_selected_action": [reason("Lunch").pk]})
    rest = [reason("Training").pk, reason("Break").pk]
    second = admin_client.post(ADMIN, {"action": action, "_selected_action": rest})
    assert messages_of(first) == [one]
    assert messages_of(second)[-1] == two  # (the first message was not shown yet)


def test_restore_selected_counts_only_what_it_restored(admin_client, acme):
    delete("Lunch", "Training")
    ids = [reason(t).pk for t in ("Lunch", "Training", "Break")]
    response = admin_client.post(
        f"{ADMIN}?deleted=all", {"action": "restore", "_selected_action": ids}
    )
    assert messages_of(response) == ["2 reasons restored."]
    assert not StatusReason.objects.filter(deleted=True).exists()


# --- the list's position inputs ------------------------------------------------------------


def test_position_inputs_are_labelled_with_their_reason(admin_client, acme):
    delete("Break")
    html = admin_client.get(ADMIN, {"deleted": "all"}).content.decode()
    inputs = re.findall(r"<input[^>]*name=\"form-\d+-order\"[^>]*>", html)
    labels = [re.search(r'aria-label="([^"]*)"', tag) for tag in inputs]
    assert sorted(label.group(1) for label in labels if label) == [
        "Position of Lunch",
        "Position of Training",
    ]
    # A deleted reason has no position to edit.
    (hidden,) = [tag for tag, label in zip(inputs, labels, strict=True) if not label]
    assert 'type="hidden"' in hidden
    assert "<th" in html and "Position" in html  # the column's heading


def post_positions(client, positions):
    data = {"form-TOTAL_FORMS": str(len(positions)), "form-INITIAL_FORMS": str(len(positions))}
    for i, (text, order) in enumerate(positions.items()):
        data[f"form-{i}-id"] = reason(text).pk
        data[f"form-{i}-order"] = str(order)
    data["_save"] = "Save"
    return client.post(ADMIN, data)


def test_the_positions_typed_in_the_list_are_the_positions_given(admin_client, acme):
    services.reason_create(
        account=acme, fields=services.ReasonFields(text="Coffee", state="Away", order=4)
    )
    before = revision()
    # Lunch 1 -> 2 and Break 3 -> 1, typed together; the others unchanged.
    response = post_positions(admin_client, {"Lunch": 2, "Training": 2, "Break": 1, "Coffee": 4})
    assert response.status_code == 302
    # Lunch, Break and Training (renumbered to make room) moved (issue 25 item 6).
    assert messages_of(response) == [
        "3 status reasons were changed successfully (their positions, those renumbered to "
        "make room included)."
    ]
    assert list(StatusReason.objects.order_by("position").values_list("text", "position")) == [
        ("Break", 1),
        ("Lunch", 2),
        ("Training", 3),
        ("Coffee", 4),
    ]
    assert revision() == before + 1  # one move of the whole list, one revision


def test_a_position_past_the_end_is_the_last(admin_client, acme):
    post_positions(admin_client, {"Lunch": 99, "Training": 2, "Break": 3})
    assert list(StatusReason.objects.order_by("position").values_list("text", flat=True)) == [
        "Training",
        "Break",
        "Lunch",
    ]


def test_the_add_form_leaves_the_position_empty_for_first(admin_client, acme):
    html = admin_client.get(f"{ADMIN}add/").content.decode()
    tag = re.search(r'<input[^>]*name="order"[^>]*>', html).group(0)
    assert "value=" not in tag and "required" not in tag
    response = admin_client.post(
        f"{ADMIN}add/", {"account": "acme", "text": "Coffee", "state": "Away", "enabled": "on"}
    )
    assert response.status_code == 302
    assert StatusReason.objects.get(position=1, deleted=False).text == "Coffee"


def test_changing_a_reason_without_touching_its_position_keeps_it(admin_client, acme):
    training = reason("Training")
    data = {"text": "Training 2", "state": "Online", "enabled": "on", "order": "2"}
    assert admin_client.post(f"{ADMIN}{training.pk}/change/", data).status_code == 302
    data = {"text": "Training 2", "state": "Online", "enabled": "on", "order": "1"}
    admin_client.post(f"{ADMIN}{training.pk}/change/", data)
    assert list(StatusReason.objects.order_by("position").values_list("text", flat=True)) == [
        "Training 2",
        "Lunch",
        "Break",
    ]


def test_the_account_page_lists_live_reasons_in_order(admin_client, acme):
    delete("Lunch")
    html = admin_client.get("/admin/reasons/account/acme/change/").content.decode()
    assert html.index("Training") < html.index("Break")
    assert "Lunch" not in html


def test_reverting_to_a_past_version_restores_its_position_too(admin_client, acme):
    lunch = reason("Lunch")
    data = {"text": "Lunch", "state": "Away", "enabled": "on", "order": "3"}
    admin_client.post(f"{ADMIN}{lunch.pk}/change/", data)
    assert reason("Lunch").order == 3
    first = StatusReason.history.filter(id=lunch.pk).earliest("history_date")
    url = f"{ADMIN}{lunch.pk}/history/{first.history_id}/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["enabled"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert list(StatusReason.objects.order_by("order").values_list("text", "order")) == [
        ("Lunch", 1),
        ("Training", 2),
        ("Break", 3),
    ]
