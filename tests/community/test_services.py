"""community.services called directly: category and tag names by core.text.name_key."""

import pytest

from community import services
from community.models import Category, Tag
from core.errors import DomainError
from tests.names import INVISIBLE_NAMES, SAME_NAMES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_category_save_refuses_a_look_alike(first, second):
    services.category_save(name=first)
    with pytest.raises(DomainError) as caught:
        services.category_save(name=second)
    assert (caught.value.field, caught.value.code) == ("name", "unique")
    assert Category.objects.count() == 1


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_tag_save_refuses_a_look_alike_in_the_same_type(first, second):
    services.tag_save(name=first, type="user")
    with pytest.raises(DomainError) as caught:
        services.tag_save(name=second, type="user")
    assert (caught.value.field, caught.value.code) == ("name", "unique")
    services.tag_save(name=second, type="category")
    assert Tag.objects.count() == 2


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_an_invisible_name_is_blank(name):
    for save in (services.category_save, lambda **kw: services.tag_save(type="user", **kw)):
        with pytest.raises(DomainError) as caught:
            save(name=name)
        assert (caught.value.field, caught.value.code) == ("name", "blank")


def test_category_save_stores_the_key():
    category = services.category_save(name="Lun\u200bch")
    category.refresh_from_db()
    assert (category.name, category.name_key) == ("Lun\u200bch", "lunch")
