import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from core.demo import ensure_demo_credentials


class Command(BaseCommand):
    help = (
        "Create the demo superuser and its API key if they are missing (idempotent), and "
        "print how to log in. The API secret is printed only when the key is created."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Where the portal is served, for the printed links (make run passes its own).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, username, password, url, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "is_superuser": True, "email": f"{username}@example.com"},
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        url = url.rstrip("/")
        # Each app keeps its own credentials for the demo admin (access: the API key).
        credentials = ensure_demo_credentials(user=user, url=url)
        if options["json"]:
            reply = {"username": username, "created": created}
            for credential in credentials:
                reply.update(credential.fields)
            self.stdout.write(json.dumps(reply))
            return
        lines = [
            "",
            "Demo admin " + ("created" if created else "already exists") + ".",
            f"  Admin:      {url}/admin/",
            f"  Username:   {username}",
            "  Password:   " + (password if created else "(unchanged; the password you set)"),
        ]
        for credential in credentials:
            lines += credential.lines
        lines += [
            f"  API docs:   {url}/api/docs/",
            "",
        ]
        self.stdout.write("\n".join(lines))
