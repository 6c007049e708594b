import django.db.models.deletion
from django.db import migrations, models
from oauth2_provider.settings import oauth2_settings


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0006_last_used_at"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="OAuthTokenUse",
            fields=[
                (
                    "access_token",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="use",
                        serialize=False,
                        to=oauth2_settings.ACCESS_TOKEN_MODEL,
                    ),
                ),
                ("last_used_at", models.DateTimeField(verbose_name="last used at")),
            ],
            options={
                "verbose_name": "OAuth2 access token use",
                "verbose_name_plural": "OAuth2 access token uses",
            },
        ),
    ]
