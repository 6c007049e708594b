"""community.services called directly: category and tag names by core.text.name_key,
category slugs, and category html_info sanitising."""

import pytest

from community import services
from community.models import Category, Tag
from core.errors import DomainError
from tests.community.factories import CategoryFactory
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


def test_automatic_slugs_count_up_from_the_name():
    names = ["Team A", "Team A!", "team a?", "TEAM-A"]
    assert [services.category_save(name=n).slug for n in names] == [
        "team-a",
        "team-a-2",
        "team-a-3",
        "team-a-4",
    ]
    # A gap left by a deletion is reused; a longer slug that merely starts alike is no clash.
    Category.objects.get(slug="team-a-2").delete()
    CategoryFactory(name="Team Alpha", slug="team-alpha")
    assert services.category_save(name="Team A.").slug == "team-a-2"


def test_a_name_without_letters_gets_a_slug():
    assert services.category_save(name="!!!").slug == "item"


def test_update_keeps_the_slug():
    category = services.category_save(name="News")
    services.category_save(category=category, name="Latest news")
    category.refresh_from_db()
    assert (category.name, category.slug) == ("Latest news", "news")


def test_a_client_slug_that_is_taken_is_a_slug_error():
    CategoryFactory(name="News", slug="news")
    with pytest.raises(DomainError) as caught:
        services.category_save(name="Other", slug="news")
    assert (caught.value.field, caught.value.code) == ("slug", "unique")


def test_html_info_is_sanitised_on_create_and_update():
    category = services.category_save(
        name="News", html_info="<p>Hi</p><img src=x onerror=alert(1)><script>alert(1)</script>"
    )
    assert category.html_info == '<p>Hi</p><img src="x">'
    services.category_save(
        category=category, name="News", html_info='<a href="javascript:alert(1)">x</a>'
    )
    category.refresh_from_db()
    assert "javascript" not in category.html_info
