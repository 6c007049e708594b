"""Demo categories, a tag and a post, made through the community services."""

from community import services
from community.models import Category, Tag, TagType
from core.demo import demo_data
from core.text import name_key

DEMO_POST_ACTION = "Shipped dark mode"


@demo_data(order=30)
def load(*, admin):
    """Two categories (one the other's parent), a tag and a post by the demo admin."""
    product = Category.objects.filter(name_key=name_key("Product")).first()
    if product is None:
        product = services.category_save(
            name="Product", slogan="Everything about the product", order=1
        )
    if not Category.objects.filter(name_key=name_key("Feature requests")).exists():
        services.category_save(name="Feature requests", parents=[product.pk], order=2)
    if not Tag.objects.filter(name_key=name_key("release"), type=TagType.CONTRIBUTION).exists():
        services.tag_save(name="release", type=TagType.CONTRIBUTION)
    # The demo post itself, not any post of the admin's: the README's examples post too.
    if not admin.community_statuses.filter(action=DEMO_POST_ACTION).exists():
        services.status_create(
            author=admin,
            action=DEMO_POST_ACTION,
            text="<p>Dark mode is live for everyone. Thanks @admin!</p>",
            categories=[product.pk],
        )
