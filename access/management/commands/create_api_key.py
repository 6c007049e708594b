import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from access.services import api_key_issue


class Command(BaseCommand):
    help = (
        "Issue a Libredesk API key for USERNAME (replacing any earlier one) and print it as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        issued = api_key_issue(user=user, actor=None)
        self.stdout.write(json.dumps({"api_key": issued.api_key, "api_secret": issued.api_secret}))
