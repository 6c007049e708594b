from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reasons.services import account_ensure


class Command(BaseCommand):
    help = "Create a LivePerson account if it is missing and add members to it (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("account_id", help="LivePerson site id: 1-20 letters, digits or _")
        parser.add_argument("--member", action="append", default=[], metavar="USERNAME")
        parser.add_argument("--name", default="", help="Display name for a new account.")

    def handle(self, *args, account_id, member, name, **options):
        User = get_user_model()
        users = []
        for username in member:
            try:
                users.append(User.objects.get_by_natural_key(username))
            except User.DoesNotExist:
                raise CommandError(f"No user named {username!r}.") from None
        try:
            account, created = account_ensure(account_id=account_id, name=name, members=users)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} account {account.pk} with {account.members.count()} member(s).")
