"""Create a confidential OAuth2 client for the SelfCommunity API and print its credentials."""

import json

from django.core.management.base import BaseCommand
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model


class Command(BaseCommand):
    help = (
        "Create a confidential OAuth2 application that may use the password grant (and "
        'refresh tokens) and print {"client_id": ..., "client_secret": ...} as JSON. '
        "The secret is stored hashed: this is the only time it is shown."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="A name for the application, shown in the admin.")

    def handle(self, *args, name, **options):
        application_model = get_application_model()
        # The secret is hashed on save, so keep the plain value to print it.
        secret = generate_client_secret()
        application = application_model.objects.create(
            name=name,
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_PASSWORD,
            client_secret=secret,
            hash_client_secret=True,
        )
        self.stdout.write(json.dumps({"client_id": application.client_id, "client_secret": secret}))
