"""SelfCommunity: look-alike category and tag names are `unique` errors, invisible ones are
`blank`."""

import pytest

from community.models import Category, Tag
from tests.community.factories import CategoryFactory
from tests.community.test_supporting_routes import CATEGORY, CATEGORY_PERMS, TAG, TAG_PERMS
from tests.names import INVISIBLE_NAMES, SAME_NAMES

pytestmark = pytest.mark.django_db


def assert_field_error(response, field, code):
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["field"] == field and error["messages"][0]["code"] == code, error


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_category_with_a_look_alike_name_is_not_unique(sc_login, first, second):
    manager = sc_login(*CATEGORY_PERMS)
    assert manager.post(CATEGORY, {"name": first}, format="json").status_code == 201
    response = manager.post(CATEGORY, {"name": second}, format="json")
    assert_field_error(response, "name", "unique")
    other = manager.post(CATEGORY, {"name": "Other"}, format="json").json()
    response = manager.put(f"{CATEGORY}{other['id']}/", {"name": second}, format="json")
    assert_field_error(response, "name", "unique")
    assert Category.objects.count() == 2


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_tag_with_a_look_alike_name_is_not_unique_in_its_type(sc_login, first, second):
    manager = sc_login(*TAG_PERMS)
    assert manager.post(TAG, {"name": first, "type": "user"}, format="json").status_code == 201
    response = manager.post(TAG, {"name": second, "type": "user"}, format="json")
    assert_field_error(response, "name", "unique")
    response = manager.post(TAG, {"name": second, "type": "contribution"}, format="json")
    assert response.status_code == 201
    assert Tag.objects.count() == 2


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_an_invisible_name_is_blank(sc_login, name):
    manager = sc_login(*CATEGORY_PERMS, *TAG_PERMS)
    assert_field_error(manager.post(CATEGORY, {"name": name}, format="json"), "name", "blank")
    response = manager.post(TAG, {"name": name, "type": "user"}, format="json")
    assert_field_error(response, "name", "blank")
    category = CategoryFactory()
    response = manager.patch(f"{CATEGORY}{category.pk}/", {"name": name}, format="json")
    assert_field_error(response, "name", "blank")
    assert Category.objects.count() == 1 and not Tag.objects.exists()


def test_names_whose_key_expands_beyond_the_column_still_compare_exactly(sc_login):
    # U+FDFA becomes 18 letters under NFKC: 255 of them make a 4,590-character key.
    manager = sc_login(*CATEGORY_PERMS)
    long_name, other = "\ufdfa" * 255, "\ufdfa" * 254 + "\ufdfb"
    assert manager.post(CATEGORY, {"name": long_name}, format="json").status_code == 201
    assert manager.post(CATEGORY, {"name": other}, format="json").status_code == 201
    response = manager.post(CATEGORY, {"name": long_name}, format="json")
    assert_field_error(response, "name", "unique")
