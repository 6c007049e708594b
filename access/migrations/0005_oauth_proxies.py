"""django-oauth-toolkit's models shown in the admin as proxies under "Access and
credentials". A proxy has permissions of its own, so whoever could work with the toolkit's
model in the admin is given the same permissions on its proxy: nobody loses a screen."""

from django.conf import settings
from django.db import migrations

# proxy model name -> the toolkit's model it shows, with its verbose name for the
# permission names ("Can view OAuth2 access token"), as Django itself would name them.
PROXIES = {
    "oauthclientapp": ("application", "OAuth2 client app"),
    "oauthaccesstoken": ("accesstoken", "OAuth2 access token"),
    "oauthrefreshtoken": ("refreshtoken", "OAuth2 refresh token"),
    "oauthauthorizationcode": ("grant", "OAuth2 authorization code"),
    "oauthidtoken": ("idtoken", "OpenID Connect ID token"),
}
ACTIONS = ("add", "change", "delete", "view")


def grant_proxy_permissions(apps, schema_editor):
    """Give every user and group holding a permission on a toolkit model the same
    permission on its proxy. The proxy permissions are made here: Django makes them only
    after the last migration, too late to copy grants to them."""
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    UserPermission = apps.get_model(settings.AUTH_USER_MODEL).user_permissions.through
    GroupPermission = apps.get_model("auth", "Group").permissions.through
    for proxy, (concrete, verbose_name) in PROXIES.items():
        proxy_type, _ = ContentType.objects.using(db).get_or_create(app_label="access", model=proxy)
        for action in ACTIONS:
            new, _ = Permission.objects.using(db).get_or_create(
                content_type=proxy_type,
                codename=f"{action}_{proxy}",
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            old = Permission.objects.using(db).filter(
                content_type__app_label="oauth2_provider", codename=f"{action}_{concrete}"
            )
            UserPermission.objects.using(db).bulk_create(
                [
                    UserPermission(user_id=user_id, permission_id=new.pk)
                    for user_id in UserPermission.objects.using(db)
                    .filter(permission__in=old)
                    .values_list("user_id", flat=True)
                ],
                ignore_conflicts=True,
            )
            GroupPermission.objects.using(db).bulk_create(
                [
                    GroupPermission(group_id=group_id, permission_id=new.pk)
                    for group_id in GroupPermission.objects.using(db)
                    .filter(permission__in=old)
                    .values_list("group_id", flat=True)
                ],
                ignore_conflicts=True,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_accountbearer_moved_to_reasons"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OAuthAccessToken",
            fields=[],
            options={
                "verbose_name": "OAuth2 access token",
                "verbose_name_plural": "OAuth2 access tokens",
                "ordering": ["-created"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("oauth2_provider.accesstoken",),
        ),
        migrations.CreateModel(
            name="OAuthAuthorizationCode",
            fields=[],
            options={
                "verbose_name": "OAuth2 authorization code",
                "verbose_name_plural": "OAuth2 authorization codes",
                "ordering": ["-created"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("oauth2_provider.grant",),
        ),
        migrations.CreateModel(
            name="OAuthClientApp",
            fields=[],
            options={
                "verbose_name": "OAuth2 client app",
                "verbose_name_plural": "OAuth2 client apps",
                "ordering": ["name"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("oauth2_provider.application",),
        ),
        migrations.CreateModel(
            name="OAuthIDToken",
            fields=[],
            options={
                "verbose_name": "OpenID Connect ID token",
                "verbose_name_plural": "OpenID Connect ID tokens",
                "ordering": ["-created"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("oauth2_provider.idtoken",),
        ),
        migrations.CreateModel(
            name="OAuthRefreshToken",
            fields=[],
            options={
                "verbose_name": "OAuth2 refresh token",
                "verbose_name_plural": "OAuth2 refresh tokens",
                "ordering": ["-created"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("oauth2_provider.refreshtoken",),
        ),
        # Backwards, the grants stay: they name proxies that no longer exist, and are harmless.
        migrations.RunPython(grant_proxy_permissions, migrations.RunPython.noop),
    ]
