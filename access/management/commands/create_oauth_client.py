"""Create a confidential OAuth2 client and print its credentials."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from access.services import oauth_client_issue
from core.errors import DomainError

CLIENT_CREDENTIALS = "client-credentials"


class Command(BaseCommand):
    help = (
        "Create a confidential OAuth2 application and print "
        '{"client_id": ..., "client_secret": ...} as JSON. The secret is stored hashed: '
        "this is the only time it is shown. By default the application may use the password "
        "grant (and refresh tokens) and acts as whoever signs in; with --grant "
        "client-credentials --user USERNAME it takes tokens with its id and secret alone "
        "(Genesys Cloud's SDK does) and they act as that user."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="A name for the application, shown in the admin.")
        parser.add_argument(
            "--grant",
            choices=[CLIENT_CREDENTIALS],
            help="client-credentials: a machine client acting as --user (default: the "
            "password grant, with no user).",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The active user a client-credentials application acts as (required with "
            "--grant client-credentials).",
        )

    def handle(self, *args, name, grant=None, user=None, **options):
        if grant is None:
            if user is not None:
                raise CommandError("--user goes with --grant client-credentials.")
            issued = oauth_client_issue(name=name)
        else:
            if user is None:
                raise CommandError("--grant client-credentials needs --user USERNAME.")
            User = get_user_model()
            try:
                acting_as = User.objects.get_by_natural_key(user)
            except User.DoesNotExist:
                raise CommandError(f"No user named {user!r}.") from None
            try:
                issued = oauth_client_issue(name=name, user=acting_as)
            except DomainError as error:
                raise CommandError(error.message) from None
        self.stdout.write(
            json.dumps({"client_id": issued.client_id, "client_secret": issued.client_secret})
        )
