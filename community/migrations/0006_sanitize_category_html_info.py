# html_info used to be stored as sent; clean the existing rows with the allowlist that
# community.services.category_save now applies on every write (community.sanitize.clean,
# the one used for status posts).

from django.db import migrations

from community.sanitize import clean

BATCH_SIZE = 500


def sanitize_html_info(apps, schema_editor):
    Category = apps.get_model("community", "Category")
    changed = []
    for category in Category.objects.exclude(html_info="").only("pk", "html_info").iterator():
        safe = clean(category.html_info)
        if safe != category.html_info:
            category.html_info = safe
            changed.append(category)
    Category.objects.bulk_update(changed, ["html_info"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [("community", "0005_name_key_constraints")]

    operations = [migrations.RunPython(sanitize_html_info, migrations.RunPython.noop)]
