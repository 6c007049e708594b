"""Category html_info is sanitised like status text: through the API, the admin, and for
rows stored before (the data migration)."""

import importlib

import pytest
from django.apps import apps

from community.models import Category
from tests.community.factories import CategoryFactory
from tests.community.test_supporting_routes import CATEGORY, CATEGORY_PERMS

pytestmark = pytest.mark.django_db

HOSTILE = '<p onclick="x()">Hi</p><img src=x onerror=alert(1)><script>alert(2)</script>'
SAFE = '<p>Hi</p><img src="x">'


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hi</p><img src=x onerror=alert(1)>",
        "<p>Hi</p><script>alert(1)</script>",
        '<p>Hi</p><a href="javascript:alert(1)">x</a>',
    ],
)
def test_api_stores_and_returns_sanitised_html_info(sc_login, html):
    manager = sc_login(*CATEGORY_PERMS)
    response = manager.post(CATEGORY, {"name": "News", "html_info": html}, format="json")
    assert response.status_code == 201, response.content
    stored = Category.objects.get(pk=response.json()["id"]).html_info
    for text in (response.json()["html_info"], stored):
        assert text.startswith("<p>Hi</p>")
        assert "onerror" not in text and "script" not in text and "javascript" not in text
    response = manager.patch(
        f"{CATEGORY}{response.json()['id']}/", {"html_info": HOSTILE}, format="json"
    )
    assert response.json()["html_info"] == SAFE


def test_admin_stores_sanitised_html_info(admin_client):
    data = {
        "name": "News",
        "slug": "news",
        "order": 1,
        "active": "on",
        "auto_follow": "none",
        "stream_order_by": "recent",
        "html_info": HOSTILE,
    }
    response = admin_client.post("/admin/community/category/add/", data)
    assert response.status_code == 302, response.content
    assert Category.objects.get(name="News").html_info == SAFE


def test_data_migration_sanitises_existing_rows():
    migration = importlib.import_module("community.migrations.0006_sanitize_category_html_info")
    dirty, clean = CategoryFactory(), CategoryFactory(html_info="<p>Fine</p>")
    Category.objects.filter(pk=dirty.pk).update(html_info=HOSTILE)  # as stored before
    migration.sanitize_html_info(apps, None)
    dirty.refresh_from_db()
    clean.refresh_from_db()
    assert (dirty.html_info, clean.html_info) == (SAFE, "<p>Fine</p>")
