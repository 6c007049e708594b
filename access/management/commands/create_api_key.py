import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from access.services import api_key_issue


class Command(BaseCommand):
    help = (
        "Issue a Libredesk API key for USERNAME (replacing any earlier one) and print it as "
        "JSON: api_key, api_secret and the user's id (the agent id of the Libredesk routes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--create",
            action="store_true",
            help="Make USERNAME first if it is missing: an agent with no admin rights and "
            "no password (set one in the admin to let it log in).",
        )

    def handle(self, *args, username, create, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            if not create:
                raise CommandError(
                    f"No user named {username!r} (--create makes one without admin rights)."
                ) from None
            user = User.objects.create_user(username=username)
        issued = api_key_issue(user=user, actor=None)
        self.stdout.write(
            json.dumps(
                {"api_key": issued.api_key, "api_secret": issued.api_secret, "user_id": user.pk}
            )
        )
