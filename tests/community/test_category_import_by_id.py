"""Issue 25 item 2: a category row with an `id` updates that category (a new name renames
it), one without matches by name; an unknown id is the row's error."""

import pytest

from community.models import Category
from community.resources import CategoryResource
from tests.core.import_rows import actions, row_errors, run_import

pytestmark = pytest.mark.django_db

HEADER = "id,name,slug,slogan,order,active,content_only_staff,parents\n"


def test_a_row_with_an_id_renames_that_category():
    product = Category.objects.create(name="Product", slug="product")
    count = Category.objects.count()
    result = run_import(
        CategoryResource(), f"{HEADER}{product.pk},Products,product,,1,true,false,\n"
    )
    assert actions(result) == ["update"]
    product.refresh_from_db()
    assert product.name == "Products" and Category.objects.count() == count


def test_a_row_without_an_id_matches_by_name():
    product = Category.objects.create(name="Product", slug="product")
    result = run_import(CategoryResource(), f"{HEADER},product,product,Hello,1,true,false,\n")
    assert actions(result) == ["update"]
    product.refresh_from_db()
    assert product.slogan == "Hello"


def test_an_unknown_id_is_the_rows_error():
    count = Category.objects.count()
    result = run_import(CategoryResource(), f"{HEADER}987654,News,news,,1,true,false,\n")
    assert row_errors(result) == {1: ["No category has id 987654"]}
    assert Category.objects.count() == count
