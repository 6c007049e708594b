"""`make run`'s demo admin (`ensure_demo_admin`): made once, its API key kept across starts."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from access.models import ApiKey
from access.services import api_key_authenticate, api_key_revoke

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("ensure_demo_admin", *args, stdout=out)
    return out.getvalue()


def test_the_key_is_made_once_and_kept_across_starts():
    first = json.loads(run("--json"))
    second = json.loads(run("--json"))
    assert first["created"] and first["key_created"]
    assert not second["created"] and not second["key_created"]
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("admin")
    # The second start neither shows the secret again nor replaces the key.
    assert second["api_secret"] is None and second["api_key"] == first["api_key"]
    assert api_key_authenticate(key=first["api_key"], secret=first["api_secret"]) == user
    assert ApiKey.objects.filter(user=user).count() == 1


def test_the_banner_prints_the_secret_only_when_made_and_names_the_served_port():
    made = run("--url", "http://127.0.0.1:8123")
    key = re.search(r"export KEY=(\w{32})", made).group(1)
    secret = re.search(r"export SECRET=(\w{64})", made).group(1)
    assert api_key_authenticate(key=key, secret=secret).username == "admin"
    assert "http://127.0.0.1:8123/admin/" in made
    assert "http://127.0.0.1:8123/api/v1/statuses" in made
    assert ":8000" not in made
    assert "manage.py create_api_key admin" in made

    again = run("--url", "http://127.0.0.1:8123/")
    assert secret not in again and "export SECRET" not in again
    assert key in again and "manage.py create_api_key admin" in again
    assert "http://127.0.0.1:8123/admin/" in again and ":8000" not in again
    assert api_key_authenticate(key=key, secret=secret).username == "admin"


def test_a_revoked_demo_key_is_made_again_on_the_next_start():
    first = json.loads(run("--json"))
    api_key_revoke(user=get_user_model().objects.get(username="admin"))
    second = json.loads(run("--json"))
    assert second["key_created"] and second["api_secret"]
    assert second["api_key"] != first["api_key"]


def test_make_run_passes_its_port_to_the_banner():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    recipe = subprocess.run(
        ["make", "-n", "--always-make", "run", "PORT=8123", "HOST=127.0.0.1"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    banner = next(line for line in recipe.splitlines() if "ensure_demo_admin" in line)
    assert "--url http://127.0.0.1:8123" in banner


@pytest.mark.django_db
def test_the_demo_post_is_made_even_when_the_admin_posted_first():
    """The README's examples post as the admin; `load_demo_data` afterwards still adds its
    own post (it used to skip it when the admin had any), and only once."""
    from community import services
    from community.demo import DEMO_POST_ACTION
    from community.models import Category
    from core.demo import load_demo_data

    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "admin")
    category = services.category_save(name="General")
    services.status_create(author=admin, action="Hello", text="<p>Hi</p>", categories=[category.pk])
    load_demo_data(admin=admin)
    load_demo_data(admin=admin)
    actions = sorted(admin.community_statuses.values_list("action", flat=True))
    assert actions == sorted(["Hello", DEMO_POST_ACTION])
    assert Category.objects.filter(name="Product").exists()
