import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from access.services import zendesk_token_issue
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue a new Zendesk API token for USERNAME and print it as one line of JSON: email, "
        "token and the user's id. Earlier tokens of the user keep working; revoke them in "
        "the admin. Clients send `Authorization: Basic base64(<email>/token:<token>)`."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        try:
            issued = zendesk_token_issue(user=user)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            json.dumps({"email": issued.email, "token": issued.token, "user_id": issued.user_id})
        )
