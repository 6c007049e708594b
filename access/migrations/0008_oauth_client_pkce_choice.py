import django.db.models.deletion
from django.db import migrations, models
from oauth2_provider.settings import oauth2_settings


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0007_oauth_token_use"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="OAuthClientPolicy",
            fields=[
                (
                    "application",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="portal_policy",
                        serialize=False,
                        to=oauth2_settings.APPLICATION_MODEL,
                        verbose_name="application",
                    ),
                ),
                ("pkce_required", models.BooleanField(default=True, verbose_name="require PKCE")),
            ],
            options={
                "verbose_name": "OAuth2 client policy",
                "verbose_name_plural": "OAuth2 client policies",
            },
        ),
    ]
