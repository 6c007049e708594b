"""Issue 25 item 7: every admin time names its zone; the TIME_ZONE variable (checked) sets
the admin's zone; each manager may pick their own, which only their admin pages use."""

import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.models import AdminPreference
from access.time_zones import setting_time_zone
from statuses.models import ConversationStatus
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
MINE = "/admin/auth/user/time-zone/"


def preference_queries(queries):
    return [q["sql"] for q in queries if "access_adminpreference" in q["sql"]]


@pytest.mark.parametrize("name", ["UTC", "Europe/Paris", "Asia/Tokyo", "America/Sao_Paulo"])
def test_the_setting_takes_a_zone_name(name):
    assert setting_time_zone(name) == name


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "utc", "Europe", "../etc/passwd", "CET\x00"])
def test_the_setting_refuses_what_is_no_zone_and_says_what_to_use(name):
    with pytest.raises(ImproperlyConfigured, match=r"TIME_ZONE=.* is not a time zone name\."):
        setting_time_zone(name)


def test_the_portal_does_not_start_with_a_wrong_time_zone():
    env = {**os.environ, "ENV_FILE": "/dev/null", "DEBUG": "true", "TIME_ZONE": "Europe/Pariss"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: TIME_ZONE='Europe/Pariss' is not a time zone name." in (
        result.stderr
    )


@pytest.fixture
def status(db):
    return ConversationStatus.objects.create(
        name="Pending", status_category="pending", category="waiting"
    )


def history_page(client, status):
    response = client.get(f"/admin/statuses/conversationstatus/{status.pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


def test_times_name_their_zone_and_the_setting_is_the_default(admin_client, status, settings):
    when = status.history.get().history_date
    assert f"{when:%H:%M} UTC" in history_page(admin_client, status)
    settings.ADMIN_TIME_ZONE = "Europe/Paris"
    paris = when.astimezone(ZoneInfo("Europe/Paris"))
    page = history_page(admin_client, status)
    assert f"{paris:%H:%M} {paris:%Z}" in page
    assert "Time zone: Europe/Paris" in page


def test_a_managers_zone_is_theirs_alone(client, admin_client, status, settings):
    settings.ADMIN_TIME_ZONE = "Europe/Paris"
    colleague = UserFactory(is_staff=True, perms=["statuses.view_conversationstatus"])
    AdminPreference.objects.create(user=colleague, time_zone="Asia/Tokyo")
    client.force_login(colleague)
    when = status.history.get().history_date
    tokyo = when.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo:%H:%M} JST" in history_page(client, status)
    # The admin without a choice keeps the site's zone.
    assert "Time zone: Europe/Paris" in history_page(admin_client, status)


def test_one_indexed_query_per_admin_request_and_none_for_the_api(
    admin_client, admin_user, make_agent, settings
):
    settings.ADMIN_TIME_ZONE = "Asia/Tokyo"
    AdminPreference.objects.create(user=admin_user, time_zone="Asia/Tokyo")
    with CaptureQueriesContext(connection) as admin_queries:
        assert admin_client.get("/admin/statuses/conversationstatus/").status_code == 200
    [query] = preference_queries(admin_queries.captured_queries)
    assert '"access_adminpreference"."user_id" =' in query
    agent = make_agent(is_staff=True)
    AdminPreference.objects.create(user=agent.user, time_zone="Asia/Tokyo")
    agent.force_login(agent.user)  # a session too: still no zone for an API route
    with CaptureQueriesContext(connection) as api_queries:
        response = agent.get("/api/v1/statuses")
    assert response.status_code == 200
    assert preference_queries(api_queries.captured_queries) == []
    # The vendor's format: UTC as Z, whatever the admin's zones.
    assert all(row["created_at"].endswith("Z") for row in response.json()["data"])


def test_a_manager_picks_their_own_zone_on_my_time_zone(client, db):
    manager = UserFactory(is_staff=True)  # no permission at all: the page is everyone's
    client.force_login(manager)
    page = client.get(MINE)
    assert page.status_code == 200
    assert '<option value="Asia/Tokyo">Tokyo</option>' in page.content.decode()
    response = client.post(MINE, {"time_zone": "Asia/Tokyo", "user": "1"})
    assert response.status_code == 302
    assert AdminPreference.objects.get().user == manager
    assert AdminPreference.objects.get().time_zone == "Asia/Tokyo"
    assert "Time zone: Asia/Tokyo" in client.get(MINE).content.decode()
    client.post(MINE, {"time_zone": ""})
    assert AdminPreference.objects.get(user=manager).time_zone == ""


@pytest.mark.parametrize("name", ["Mars/Olympus", "localtime", "Asia/Tokyo\x00"])
def test_a_zone_not_offered_is_refused(client, db, name):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(MINE, {"time_zone": name})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not AdminPreference.objects.exists()


def test_only_staff_reach_the_page(client, db):
    client.force_login(UserFactory(is_staff=False))
    response = client.post(MINE, {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not AdminPreference.objects.exists()
