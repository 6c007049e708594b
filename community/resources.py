"""CSV/JSON import and export of categories, through the community services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from community import services
from community.models import Category
from core.resources import ServiceResource, instance_by_id
from core.text import name_key

PARENT_SEPARATOR = "|"


class CategoryResource(ServiceResource):
    """Columns `name`, `slug`, `slogan`, `order`, `active`, `content_only_staff`, `parents`
    (parent names joined by `|`, listed earlier in the file or already present), and `id`
    (optional); a row with an id updates that category (a new name renames it), one
    without updates the category of the same name (name_key), or makes a new one."""

    id = fields.Field(
        attribute="id", column_name="id", readonly=True, widget=widgets.IntegerWidget()
    )
    parents = fields.Field(column_name="parents")

    class Meta(ServiceResource.Meta):
        model = Category
        fields = [
            "id",
            "name",
            "slug",
            "slogan",
            "order",
            "active",
            "content_only_staff",
            "parents",
        ]
        # Rows are matched in get_instance: by id, else by name.
        import_id_fields = ["id"]
        # Name and slug uniqueness (any case) and parent cycles are the service's rules.
        clean_model_instances = False
        # Parents are not a model field, so compare every row instead of skipping.
        skip_unchanged = False

    def dehydrate_parents(self, category):
        return PARENT_SEPARATOR.join(p.name for p in category.parents.order_by("name"))

    def get_instance(self, instance_loader, row):
        by_id = instance_by_id(Category.objects.all(), row, label=_("category"))
        if by_id is not None:
            return by_id
        name = row.get("name")
        if not isinstance(name, str) or not name_key(name):
            return None
        return Category.objects.filter(name_key=name_key(name)).first()

    def before_save_instance(self, instance, row, **kwargs):
        names = [n.strip() for n in str(row.get("parents") or "").split(PARENT_SEPARATOR)]
        parents = []
        for name in filter(None, names):
            parent = Category.objects.filter(name_key=name_key(name)).first()
            if parent is None:
                raise ValidationError(f"Unknown parent category {name!r}")
            parents.append(parent.pk)
        instance.import_parents = parents

    def save_through_service(self, instance, is_create):
        saved = services.category_save(
            category=None if is_create else instance,
            name=instance.name or "",
            parents=instance.import_parents,
            slug=instance.slug or "",
            slogan=instance.slogan or "",
            order=instance.order or 0,
            active=True if instance.active is None else instance.active,
            content_only_staff=bool(instance.content_only_staff),
        )
        instance.pk = saved.pk
