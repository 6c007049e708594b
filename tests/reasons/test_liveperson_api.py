"""Contract tests for the LivePerson surface (CONTRACTS.md §3)."""

import json

import pytest
from rest_framework.test import APIClient

from reasons.models import Account, StatusReason
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory

pytestmark = pytest.mark.django_db

VIEW = ["reasons.view_statusreason"]


def base(account="acme"):
    return f"/api/account/{account}/configuration/le-agents/status-reasons"


def url(account="acme", reason_id=None, **params):
    path = base(account) if reason_id is None else f"{base(account)}/{reason_id}"
    query = "&".join(f"{k}={v}" for k, v in {"v": "1.0", **params}.items() if v is not None)
    return f"{path}?{query}" if query else path


def revision(account="acme"):
    return Account.objects.get(pk=account).revision


def assert_lp_error(response, status_code, fields=None):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"message", "errors"} and body["message"]
    if fields is not None:
        assert [e["field"] for e in body["errors"]] == fields
    return body


def post(client, body, path=None, **headers):
    return client.post(path or url(), json.dumps(body), content_type="application/json", **headers)


# --- login and logout (more in test_liveperson_login_service.py) --------------------------


def test_logout_kills_the_bearer(lp_login):
    agent = lp_login()
    assert agent.get(url()).status_code == 200
    assert agent.post("/api/account/acme/logout").status_code == 200
    assert_lp_error(agent.get(url()), 401)


def test_removed_member_loses_access_at_once(lp_login):
    agent = lp_login()
    agent.account.members.remove(agent.user)
    assert_lp_error(agent.get(url()), 401)


# --- authentication, tenancy, permissions -----------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer", "Basic abc"])
def test_missing_or_bad_bearer_is_401(lp_login, header):
    lp_login()
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(url())
    assert_lp_error(response, 401)
    assert "ac-revision" not in response


@pytest.mark.parametrize("other", ["beta", "ghost"])
def test_bearer_on_another_account_is_403_whether_or_not_it_exists(lp_login, other):
    agent = lp_login("acme")
    if other == "beta":
        StatusReasonFactory(account=AccountFactory(id="beta"), text="Secret B")
    for method, path, body in [
        ("get", url(other), None),
        ("get", url(other, 1), None),
        ("post", url(other), {"text": "X", "state": "Away"}),
        ("put", url(other), [{"id": 1, "text": "X", "state": "Away"}]),
        ("delete", url(other), [1]),
    ]:
        response = getattr(agent, method)(path, body, format="json")
        assert_lp_error(response, 403)
        assert "Secret B" not in response.content.decode()
    if other == "beta":
        assert list(
            StatusReason.objects.filter(account_id="beta").values_list("text", flat=True)
        ) == ["Secret B"]
        assert revision("beta") == 0


def test_tenants_see_only_their_own_reasons(lp_login):
    a, b = lp_login("alpha"), lp_login("beta")
    post(a, {"text": "Alpha lunch", "state": "Away"}, path=url("alpha"))
    post(b, {"text": "Beta lunch", "state": "Away"}, path=url("beta"))
    assert [r["text"] for r in a.get(url("alpha")).json()] == ["Alpha lunch"]
    assert [r["text"] for r in b.get(url("beta")).json()] == ["Beta lunch"]
    beta_id = StatusReason.objects.get(text="Beta lunch").pk
    assert_lp_error(a.get(url("beta", beta_id)), 403)
    assert_lp_error(a.get(url("alpha", beta_id)), 404)  # not in A's collection
    assert_lp_error(a.delete(url("alpha", beta_id)), 404)
    assert not StatusReason.objects.get(pk=beta_id).deleted


def test_view_only_member_can_read_but_not_write(lp_login):
    agent = lp_login(perms=VIEW)
    reason = StatusReasonFactory(account=agent.account)
    assert agent.get(url()).status_code == 200
    assert agent.get(url(reason_id=reason.pk)).status_code == 200
    assert_lp_error(post(agent, {"text": "New", "state": "Away"}), 403)
    assert_lp_error(
        agent.put(url(reason_id=reason.pk), {"text": "X", "state": "Away"}, format="json"), 403
    )
    assert_lp_error(agent.delete(url(reason_id=reason.pk)), 403)
    assert_lp_error(agent.delete(url(), [reason.pk], format="json"), 403)
    reason.refresh_from_db()
    assert not reason.deleted and revision() == 0


def test_member_without_view_permission_cannot_read(lp_login):
    assert_lp_error(lp_login(perms=()).get(url()), 403)


def test_session_member_can_use_browsable_api(client, db):
    account = AccountFactory(id="acme")
    user = UserFactory(perms=VIEW)
    account.members.add(user)
    client.force_login(user)
    response = client.get(url(), HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    outsider = UserFactory(perms=VIEW)
    client.force_login(outsider)
    assert client.get(url()).status_code == 403


# --- v, headers, malformed input ----------------------------------------------------------


@pytest.mark.parametrize("v", ["", "abc", "nan", "inf", "1_0", "1e3", "+1", "\uff11.0"])
def test_v_that_is_not_a_number_is_a_400(lp_login, v):
    agent = lp_login()
    path = f"{base()}?v={v}"
    body = assert_lp_error(agent.get(path), 400, ["v"])
    assert body["message"] == "The query parameter v (API version) must be a number"
    assert_lp_error(agent.post(path, {"text": "X", "state": "Away"}, format="json"), 400, ["v"])
    assert not StatusReason.objects.exists()


def test_a_request_without_v_is_served_as_version_1_0(lp_login):
    """The vendor's overview gives `v` a default of 1.0, and real clients omit it."""
    agent = lp_login()
    created = post(agent, {"text": "Lunch", "state": "Away"}, path=base())
    assert created.status_code == 200, created.content
    assert created["Location"].endswith(f"{base()}/{created.json()['id']}?v=1.0")
    assert [r["text"] for r in agent.get(base()).json()] == ["Lunch"]
    assert agent.get(f"{base()}/{created.json()['id']}").status_code == 200
    assert agent.put(base(), [], format="json").status_code == 400  # reaches the body check


def test_every_reply_carries_ac_revision(lp_login):
    agent = lp_login()
    assert agent.get(url())["ac-revision"] == "0"
    created = post(agent, {"text": "Lunch", "state": "Away"})
    assert created["ac-revision"] == "1"
    reason_id = created.json()["id"]
    assert agent.get(url(reason_id=reason_id))["ac-revision"] == "1"
    assert post(agent, {"text": "lunch", "state": "Away"})["ac-revision"] == "1"  # 409
    assert agent.get(url(reason_id=999999))["ac-revision"] == "1"  # 404


@pytest.mark.parametrize("raw", ["{nope", "", "42", '"text"', "null"])
def test_malformed_or_wrong_body(lp_login, raw):
    agent = lp_login()
    response = agent.post(url(), raw, content_type="application/json")
    assert_lp_error(response, 400)
    assert not StatusReason.objects.exists() and revision() == 0


def test_huge_body_is_413(lp_login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    agent = lp_login()
    body = [{"text": f"Reason {i}", "state": "Away"} for i in range(200)]
    assert_lp_error(post(agent, body), 413)
    assert not StatusReason.objects.exists()


# --- create -----------------------------------------------------------------------------


def test_create_single_returns_object_and_location(lp_login):
    agent = lp_login()
    response = post(agent, {"text": "  Lunch  ", "state": "Away", "deleted": True, "id": 5})
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": body["id"],
        "text": "Lunch",
        "state": "Away",
        "enabled": True,
        "deleted": False,
        "order": 1,
    }
    assert response["Location"].endswith(f"{base()}/{body['id']}?v=1.0")
    # A client that follows the Location header gets the reason back.
    assert agent.get(response["Location"]).json()["text"] == "Lunch"
    assert revision() == 1


def test_create_array_in_request_order_before_existing(lp_login):
    agent = lp_login()
    StatusReasonFactory(account=agent.account, text="Existing", order=1)
    body = [
        {"text": "First", "state": "Away"},
        {"text": "Pinned", "state": "Online", "order": 50},
        {"text": "Second", "state": "Occupied", "enabled": False},
    ]
    response = post(agent, body)
    assert response.status_code == 200
    assert [(r["text"], r["order"]) for r in response.json()] == [
        ("First", 1),
        ("Pinned", 4),  # 50 is past the end: the last position
        ("Second", 2),
    ]
    assert response.json()[2]["enabled"] is False
    listed = [(r["text"], r["order"]) for r in agent.get(url()).json()]
    assert listed == [("First", 1), ("Second", 2), ("Existing", 3), ("Pinned", 4)]
    assert revision() == 1  # one write, one revision


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"state": "Away"}, "text"),
        ({"text": "   ", "state": "Away"}, "text"),
        ({"text": 5, "state": "Away"}, "text"),
        ({"text": "x" * 101, "state": "Away"}, "text"),
        ({"text": "tab\there", "state": "Away"}, "text"),
        ({"text": "a<b", "state": "Away"}, "text"),
        ({"text": "a>b", "state": "Away"}, "text"),
        ({"text": "Lunch"}, "state"),
        ({"text": "Lunch", "state": "away"}, "state"),
        ({"text": "Lunch", "state": "Busy"}, "state"),
        ({"text": "Lunch", "state": "Away", "enabled": "yes"}, "enabled"),
        ({"text": "Lunch", "state": "Away", "order": "1"}, "order"),
        ({"text": "Lunch", "state": "Away", "order": True}, "order"),
    ],
)
def test_create_field_rules(lp_login, item, field):
    agent = lp_login()
    assert_lp_error(post(agent, item), 400, [field])
    # In an array the field names the item.
    body = assert_lp_error(post(agent, [{"text": "Fine", "state": "Away"}, item]), 400)
    assert body["errors"][0]["field"] == f"[1].{field}"
    assert not StatusReason.objects.exists() and revision() == 0


def test_text_of_exactly_100_characters_is_fine(lp_login):
    assert post(lp_login(), {"text": "é" * 100, "state": "Away"}).status_code == 200


def test_duplicate_text_is_409_case_insensitive(lp_login):
    agent = lp_login()
    post(agent, {"text": "Lunch", "state": "Away"})
    body = assert_lp_error(
        post(agent, [{"text": "Coffee", "state": "Away"}, {"text": " LUNCH ", "state": "Online"}]),
        409,
    )
    assert body["errors"] == [{"field": "[1].text", "message": "text already exists"}]
    assert StatusReason.objects.count() == 1 and revision() == 1


def test_duplicate_text_inside_one_array_is_400(lp_login):
    agent = lp_login()
    body = [{"text": "Lunch", "state": "Away"}, {"text": "lunch", "state": "Online"}]
    assert_lp_error(post(agent, body), 400, ["[1].text"])
    assert not StatusReason.objects.exists()


def test_text_of_a_deleted_reason_can_be_reused(lp_login):
    agent = lp_login()
    StatusReasonFactory(account=agent.account, text="Lunch", deleted=True)
    assert post(agent, {"text": "Lunch", "state": "Away"}).status_code == 200


def test_same_text_in_two_accounts_is_fine(lp_login):
    a, b = lp_login("alpha"), lp_login("beta")
    assert post(a, {"text": "Lunch", "state": "Away"}, path=url("alpha")).status_code == 200
    assert post(b, {"text": "Lunch", "state": "Away"}, path=url("beta")).status_code == 200


def test_array_limits(lp_login):
    agent = lp_login()
    assert_lp_error(post(agent, []), 400)
    too_many = [{"text": f"R{i}", "state": "Away"} for i in range(1001)]
    assert_lp_error(post(agent, too_many), 400)
    assert not StatusReason.objects.exists()


def test_one_bad_item_writes_nothing(lp_login):
    agent = lp_login()
    items = [{"text": f"Reason {i}", "state": "Away"} for i in range(10)]
    items[7]["state"] = "Nope"
    assert_lp_error(post(agent, items), 400, ["[7].state"])
    assert not StatusReason.objects.exists() and revision() == 0


# --- If-Match ----------------------------------------------------------------------------


def test_if_match(lp_login):
    agent = lp_login()
    reason_id = post(agent, {"text": "Lunch", "state": "Away"}).json()["id"]  # revision 1
    stale = agent.put(
        url(reason_id=reason_id),
        {"text": "Dinner", "state": "Away"},
        format="json",
        HTTP_IF_MATCH="0",
    )
    assert_lp_error(stale, 409)
    assert stale["ac-revision"] == "1"
    assert StatusReason.objects.get(pk=reason_id).text == "Lunch" and revision() == 1
    assert_lp_error(post(agent, {"text": "Coffee", "state": "Away"}, HTTP_IF_MATCH="7"), 409)
    assert_lp_error(agent.delete(url(reason_id=reason_id), HTTP_IF_MATCH="0"), 409)
    assert_lp_error(agent.delete(url(), [reason_id], format="json", HTTP_IF_MATCH="0"), 409)
    assert not StatusReason.objects.get(pk=reason_id).deleted
    ok = agent.put(
        url(reason_id=reason_id),
        {"text": "Dinner", "state": "Away"},
        format="json",
        HTTP_IF_MATCH="1",
    )
    assert ok.status_code == 200 and ok["ac-revision"] == "2"
    skip = post(agent, {"text": "Coffee", "state": "Away"}, HTTP_IF_MATCH="-1")
    assert skip.status_code == 200 and skip["ac-revision"] == "3"
    quoted = post(agent, {"text": "Tea", "state": "Away"}, HTTP_IF_MATCH='"3"')
    assert quoted.status_code == 200
    assert_lp_error(post(agent, {"text": "Juice", "state": "Away"}, HTTP_IF_MATCH="abc"), 400)


# --- get, update, delete ------------------------------------------------------------------


def test_list_order_and_include_deleted(lp_login):
    agent = lp_login()
    b = StatusReasonFactory(account=agent.account, text="B", order=2)
    a = StatusReasonFactory(account=agent.account, text="A", order=1)
    a2 = StatusReasonFactory(account=agent.account, text="A2", order=1)
    gone = StatusReasonFactory(account=agent.account, text="Gone", order=0, deleted=True)
    assert [r["id"] for r in agent.get(url()).json()] == [a.pk, a2.pk, b.pk]
    everything = agent.get(url(include_deleted="true")).json()
    assert [r["id"] for r in everything] == [gone.pk, a.pk, a2.pk, b.pk]
    assert everything[0]["deleted"] is True
    assert_lp_error(agent.get(url(reason_id=gone.pk)), 404)
    assert agent.get(url(reason_id=gone.pk, include_deleted="true")).json()["text"] == "Gone"
    assert_lp_error(agent.get(url(reason_id="abc")), 404)


def test_put_is_a_full_replace(lp_login):
    agent = lp_login()
    # Position 4 is the fourth of four live reasons: positions are ranks (issue 26).
    StatusReasonFactory.create_batch(3, account=agent.account)
    reason = StatusReasonFactory(account=agent.account, text="Lunch", enabled=False, order=4)
    response = agent.put(
        url(reason_id=reason.pk), {"text": "Dinner", "state": "Online"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": reason.pk,
        "text": "Dinner",
        "state": "Online",
        "enabled": True,
        "deleted": False,
        "order": 4,
    }
    assert_lp_error(
        agent.put(url(reason_id=reason.pk), {"text": "Dinner"}, format="json"), 400, ["state"]
    )
    assert_lp_error(
        agent.put(url(reason_id=999999), {"text": "X", "state": "Away"}, format="json"), 404
    )
    assert_lp_error(agent.put(url(reason_id=reason.pk), [1], format="json"), 400)
    assert revision() == 1


def test_put_keeps_own_text_and_refuses_anothers(lp_login):
    agent = lp_login()
    lunch = StatusReasonFactory(account=agent.account, text="Lunch")
    StatusReasonFactory(account=agent.account, text="Coffee")
    assert (
        agent.put(
            url(reason_id=lunch.pk), {"text": "LUNCH", "state": "Away"}, format="json"
        ).status_code
        == 200
    )
    assert_lp_error(
        agent.put(url(reason_id=lunch.pk), {"text": "coffee", "state": "Away"}, format="json"), 409
    )


def test_delete_is_soft(lp_login):
    agent = lp_login()
    reason = StatusReasonFactory(account=agent.account, text="Lunch")
    response = agent.delete(url(reason_id=reason.pk))
    assert response.status_code == 200 and response.json()["deleted"] is True
    assert StatusReason.objects.get(pk=reason.pk).deleted
    assert agent.get(url()).json() == []
    assert_lp_error(agent.delete(url(reason_id=reason.pk)), 404)
    assert revision() == 1


def test_bulk_update(lp_login):
    agent = lp_login()
    r1 = StatusReasonFactory(account=agent.account, text="One", order=1)
    r2 = StatusReasonFactory(account=agent.account, text="Two", order=2)
    body = [
        {"id": r2.pk, "text": "Deux", "state": "Online", "order": 0},
        {"id": r1.pk, "text": "Un", "state": "Occupied", "enabled": False},
    ]
    response = agent.put(url(), body, format="json")
    assert response.status_code == 200
    # 0 is before the first position: the first; Un, without an order, takes what is left.
    assert [(r["text"], r["order"]) for r in response.json()] == [("Deux", 1), ("Un", 2)]
    assert [r["text"] for r in agent.get(url()).json()] == ["Deux", "Un"]
    assert revision() == 1


@pytest.mark.parametrize(
    ("body", "status_code", "fields"),
    [
        ([{"id": 999999, "text": "X", "state": "Away"}], 404, ["[0].id"]),
        ([{"text": "X", "state": "Away"}], 400, ["[0].id"]),
        ([{"id": "ONE", "text": "X", "state": "Away"}], 400, ["[0].id"]),
        ("dup", 400, ["[1].id"]),
        ("bad-text", 400, ["[1].text"]),
        ({"id": 1}, 400, []),
    ],
)
def test_bulk_update_is_all_or_nothing(lp_login, body, status_code, fields):
    agent = lp_login()
    r1 = StatusReasonFactory(account=agent.account, text="One")
    r2 = StatusReasonFactory(account=agent.account, text="Two")
    if body == "dup":
        body = [
            {"id": r1.pk, "text": "A", "state": "Away"},
            {"id": r1.pk, "text": "B", "state": "Away"},
        ]
    elif body == "bad-text":
        body = [
            {"id": r1.pk, "text": "Fine", "state": "Away"},
            {"id": r2.pk, "text": "<b>", "state": "Away"},
        ]
    elif isinstance(body, list) and "id" in body[0] and body[0]["id"] == 999999:
        body = [{"id": r1.pk, "text": "Changed", "state": "Away"}, *body]
        fields = ["[1].id"]
    assert_lp_error(agent.put(url(), body, format="json"), status_code, fields)
    assert sorted(StatusReason.objects.values_list("text", flat=True)) == ["One", "Two"]
    assert revision() == 0


def test_bulk_delete(lp_login):
    agent = lp_login()
    reasons = [StatusReasonFactory(account=agent.account) for _ in range(3)]
    response = agent.delete(url(), [reasons[0].pk, reasons[2].pk], format="json")
    assert response.status_code == 200
    assert all(r["deleted"] for r in response.json())
    assert [r["id"] for r in agent.get(url()).json()] == [reasons[1].pk]
    assert revision() == 1


def test_bulk_delete_is_all_or_nothing(lp_login):
    agent = lp_login()
    reason = StatusReasonFactory(account=agent.account)
    other = StatusReasonFactory(account=AccountFactory(id="beta"))
    assert_lp_error(agent.delete(url(), [reason.pk, 999999], format="json"), 404, ["[1]"])
    assert_lp_error(agent.delete(url(), [reason.pk, other.pk], format="json"), 404, ["[1]"])
    assert_lp_error(agent.delete(url(), [reason.pk, "x"], format="json"), 400, ["[1]"])
    assert_lp_error(agent.delete(url(), {"ids": [reason.pk]}, format="json"), 400)
    assert not StatusReason.objects.filter(deleted=True).exists() and revision() == 0


def test_method_override(lp_login):
    agent = lp_login()
    reason = StatusReasonFactory(account=agent.account, text="Lunch")
    response = post(
        agent,
        {"text": "Brunch", "state": "Away"},
        path=url(reason_id=reason.pk),
        HTTP_X_HTTP_METHOD_OVERRIDE="PUT",
    )
    assert response.status_code == 200 and response.json()["text"] == "Brunch"
    response = post(agent, [reason.pk], HTTP_X_HTTP_METHOD_OVERRIDE="DELETE")
    assert response.status_code == 200
    assert StatusReason.objects.get(pk=reason.pk).deleted
    # Only PUT and DELETE are honoured; anything else is a plain POST.
    assert (
        post(agent, {"text": "Tea", "state": "Away"}, HTTP_X_HTTP_METHOD_OVERRIDE="GET").status_code
        == 200
    )


def test_method_override_needs_the_overridden_permission(lp_login):
    agent = lp_login(perms=("reasons.view_statusreason", "reasons.add_statusreason"))
    reason = StatusReasonFactory(account=agent.account)
    assert_lp_error(post(agent, [reason.pk], HTTP_X_HTTP_METHOD_OVERRIDE="DELETE"), 403)
    assert not StatusReason.objects.get(pk=reason.pk).deleted


def test_bulk_update_can_swap_texts(lp_login):
    agent = lp_login()
    lunch = StatusReasonFactory(account=agent.account, text="Lunch")
    coffee = StatusReasonFactory(account=agent.account, text="Coffee")
    tea = StatusReasonFactory(account=agent.account, text="Tea")
    body = [
        {"id": lunch.pk, "text": "Coffee", "state": "Away"},
        {"id": coffee.pk, "text": "tea", "state": "Away"},
        {"id": tea.pk, "text": "Lunch", "state": "Away"},
    ]
    response = agent.put(url(), body, format="json")
    assert response.status_code == 200, response.content
    texts = dict(StatusReason.objects.values_list("pk", "text"))
    assert texts == {lunch.pk: "Coffee", coffee.pk: "tea", tea.pk: "Lunch"}
    # History shows the real before and after, not the placeholder.
    last = StatusReason.history.filter(id=lunch.pk).latest("history_date")
    assert last.text == "Coffee" and revision() == 1
