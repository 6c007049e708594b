import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from access.services import api_key_issue


class Command(BaseCommand):
    help = (
        "Create the demo superuser if it is missing (idempotent), issue it a fresh API key, "
        "and print how to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, username, password, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "is_superuser": True, "email": f"{username}@example.com"},
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        issued = api_key_issue(user=user, actor=None)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "username": username,
                        "created": created,
                        "api_key": issued.api_key,
                        "api_secret": issued.api_secret,
                    }
                )
            )
            return
        pw = password if created else "(unchanged; the password you set earlier)"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Demo admin " + ("created" if created else "already exists") + ".",
                    "  Admin:      http://127.0.0.1:8000/admin/",
                    f"  Username:   {username}",
                    f"  Password:   {pw}",
                    "  API key (new on every start, shown only now):",
                    f"    api_key    {issued.api_key}",
                    f"    api_secret {issued.api_secret}",
                    "  Try it:",
                    f"    curl -H 'Authorization: token {issued.api_key}:{issued.api_secret}' "
                    "http://127.0.0.1:8000/api/v1/statuses",
                    "",
                ]
            )
        )
