"""Categories and tags in the portal: history, revert, list ordering and import/export."""

import pytest

from community.models import Category, Tag
from tests.community.factories import CategoryFactory, TagFactory
from tests.portal.admin_import import import_file, preview

pytestmark = pytest.mark.django_db
CATEGORIES = "/admin/community/category/"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_category_examples_import_with_parents(admin_client, admin_user, fmt):
    import_file(admin_client, CATEGORIES, f"categories.{fmt}")
    notes = Category.objects.get(name="Release notes")
    assert sorted(notes.parents.values_list("name", flat=True)) == ["Announcements", "Product"]
    assert notes.content_only_staff is True and notes.slug == "release-notes"
    assert Category.objects.count() == 4
    assert Category.history.filter(name="Product").first().history_user == admin_user


def test_category_import_with_a_bad_row_writes_nothing(admin_client):
    content = "name,order,parents\nFine,1,\nOrphan,2,Nowhere\n"
    response = preview(admin_client, CATEGORIES, "bad.csv", content, "csv")
    html = response.content.decode()
    assert "Unknown parent category" in html and 'name="import_file_name"' not in html
    assert not Category.objects.exists()


def test_category_changes_are_recorded_and_revert_obeys_rules(admin_client, sc_login):
    manager = sc_login("community.add_category", "community.change_category")
    created = manager.post("/api/v2/category/", {"name": "Ideas"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    manager.put(f"/api/v2/category/{pk}/", {"name": "Feature ideas"}, format="json")
    records = Category.history.filter(id=pk).order_by("history_date")
    assert [(r.history_type, r.name, r.history_user) for r in records] == [
        ("+", "Ideas", manager.user),
        ("~", "Feature ideas", manager.user),
    ]
    # Reverting to "Ideas" while another category has that name is refused.
    CategoryFactory(name="IDEAS", slug="ideas-2")
    first = records.first()
    url = f"{CATEGORIES}{pk}/history/{first.history_id}/"
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"parents", "tags"}}
    data.update(active="on", name="Ideas")
    response = admin_client.post(url, data, follow=True)
    assert "already exists" in response.content.decode()
    assert Category.objects.get(pk=pk).name == "Feature ideas"


def test_tag_changes_are_recorded(admin_client, admin_user):
    tag = TagFactory(name="billing")
    admin_client.post(
        f"/admin/community/tag/{tag.pk}/change/",
        {"name": "invoices", "type": tag.type, "active": "on", "visible": "on"},
    )
    last = Tag.history.filter(id=tag.pk).latest("history_date")
    assert (last.name, last.history_user) == ("invoices", admin_user)


def test_category_order_from_the_list(admin_client):
    first = CategoryFactory(name="First", order=1)
    second = CategoryFactory(name="Second", order=2)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": first.pk,
        "form-0-order": "5",
        "form-0-active": "on",
        "form-1-id": second.pk,
        "form-1-order": "2",
        "form-1-active": "on",
        "_save": "Save",
    }
    assert admin_client.post(CATEGORIES, data).status_code == 302
    assert list(Category.objects.order_by("order").values_list("name", flat=True)) == [
        "Second",
        "First",
    ]
    assert Category.objects.get(pk=first.pk).parents.count() == 0
