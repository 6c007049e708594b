import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from access.models import ApiKey
from access.services import api_key_issue


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
        # A key made on an earlier start keeps working: clients set up with it must not
        # break on the next `make run`. Only a missing key (first start, or revoked) is new.
        existing = ApiKey.objects.filter(user=user).values_list("key", flat=True).first()
        issued = None if existing else api_key_issue(user=user, actor=None)
        api_key = issued.api_key if issued else existing
        api_secret = issued.api_secret if issued else None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "username": username,
                        "created": created,
                        "api_key": api_key,
                        "api_secret": api_secret,
                        "key_created": issued is not None,
                    }
                )
            )
            return
        url = url.rstrip("/")
        new_key = f".venv/bin/python manage.py create_api_key {username}"
        lines = [
            "",
            "Demo admin " + ("created" if created else "already exists") + ".",
            f"  Admin:      {url}/admin/",
            f"  Username:   {username}",
            "  Password:   " + (password if created else "(unchanged; the password you set)"),
        ]
        if issued:
            lines += [
                "  API key, made now (the secret is shown only this once; keep it):",
                f"    export KEY={api_key}",
                f"    export SECRET={api_secret}",
                "  Try it:",
                f'    curl -H "Authorization: token $KEY:$SECRET" {url}/api/v1/statuses',
            ]
        else:
            lines += [
                f"  API key:    {api_key} (unchanged; its secret was shown when it was made)",
            ]
        lines += [
            f"  A new key (the old one stops working at once): {new_key}",
            f"  API docs:   {url}/api/docs/",
            "",
        ]
        self.stdout.write("\n".join(lines))
