"""The ready-made roles (access/roles.py): their groups and the permissions that exist yet.

The post_migrate handler (access.apps) applies the roles again after every migrate, when
every app's permissions exist; this migration makes the groups on the first one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def make_roles(apps, schema_editor):
    from django.apps import apps as global_apps

    from access.roles import sync_roles

    # Permissions are made by post_migrate, after every migration: make those of the apps
    # migrated so far now, so the groups start with them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
    sync_roles(apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    from access.roles import ROLES

    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[role.name for role in ROLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0008_oauth_client_pkce_choice"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_roles, remove_roles)]
