# The Zendesk fields (issue 27). status_category starts blank: 0014 fills it from
# category, and 0015 adds the constraints that tie the two.

import core.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statuses", "0012_history_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversationstatus",
            name="active",
            field=models.BooleanField(default=True, verbose_name="active"),
        ),
        migrations.AddField(
            model_name="conversationstatus",
            name="description",
            field=models.CharField(
                blank=True, default="", max_length=255, verbose_name="description"
            ),
        ),
        migrations.AddField(
            model_name="conversationstatus",
            name="end_user_description",
            field=models.CharField(
                blank=True, default="", max_length=255, verbose_name="description for customers"
            ),
        ),
        migrations.AddField(
            model_name="conversationstatus",
            name="end_user_label",
            field=models.CharField(
                blank=True,
                help_text="What customers see; empty means the same as the name.",
                max_length=48,
                null=True,
                validators=[core.text.validate_name_characters],
                verbose_name="customers see",
            ),
        ),
        migrations.AddField(
            model_name="conversationstatus",
            name="is_category_default",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The default status of its category; each category has exactly one.",
                verbose_name="default",
            ),
        ),
        migrations.AddField(
            model_name="conversationstatus",
            name="status_category",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("open", "Open"),
                    ("pending", "Pending"),
                    ("hold", "On-hold"),
                    ("solved", "Solved"),
                ],
                default="",
                max_length=16,
                verbose_name="status category",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalconversationstatus",
            name="active",
            field=models.BooleanField(default=True, verbose_name="active"),
        ),
        migrations.AddField(
            model_name="historicalconversationstatus",
            name="description",
            field=models.CharField(
                blank=True, default="", max_length=255, verbose_name="description"
            ),
        ),
        migrations.AddField(
            model_name="historicalconversationstatus",
            name="end_user_description",
            field=models.CharField(
                blank=True, default="", max_length=255, verbose_name="description for customers"
            ),
        ),
        migrations.AddField(
            model_name="historicalconversationstatus",
            name="end_user_label",
            field=models.CharField(
                blank=True,
                help_text="What customers see; empty means the same as the name.",
                max_length=48,
                null=True,
                validators=[core.text.validate_name_characters],
                verbose_name="customers see",
            ),
        ),
        migrations.AddField(
            model_name="historicalconversationstatus",
            name="is_category_default",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The default status of its category; each category has exactly one.",
                verbose_name="default",
            ),
        ),
        migrations.AddField(
            model_name="historicalconversationstatus",
            name="status_category",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("open", "Open"),
                    ("pending", "Pending"),
                    ("hold", "On-hold"),
                    ("solved", "Solved"),
                ],
                default="",
                max_length=16,
                verbose_name="status category",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="conversationstatus",
            name="category",
            field=models.CharField(
                choices=[("open", "Open"), ("waiting", "Waiting"), ("resolved", "Resolved")],
                editable=False,
                max_length=16,
                verbose_name="category",
            ),
        ),
        migrations.AlterField(
            model_name="conversationstatus",
            name="is_default",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Built-in statuses ship with the portal and cannot be changed or deleted.",
                verbose_name="built-in",
            ),
        ),
        migrations.AlterField(
            model_name="conversationstatus",
            name="name",
            field=models.CharField(
                error_messages={"blank": "The name needs at least one visible character."},
                max_length=48,
                validators=[core.text.validate_visible, core.text.validate_name_characters],
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="historicalconversationstatus",
            name="category",
            field=models.CharField(
                choices=[("open", "Open"), ("waiting", "Waiting"), ("resolved", "Resolved")],
                editable=False,
                max_length=16,
                verbose_name="category",
            ),
        ),
        migrations.AlterField(
            model_name="historicalconversationstatus",
            name="is_default",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Built-in statuses ship with the portal and cannot be changed or deleted.",
                verbose_name="built-in",
            ),
        ),
        migrations.AlterField(
            model_name="historicalconversationstatus",
            name="name",
            field=models.CharField(
                error_messages={"blank": "The name needs at least one visible character."},
                max_length=48,
                validators=[core.text.validate_visible, core.text.validate_name_characters],
                verbose_name="name",
            ),
        ),
    ]
