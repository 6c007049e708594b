import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reasons.models import Account, KeyPermission
from reasons.services import api_key_issue


class Command(BaseCommand):
    help = (
        "Make a LivePerson API key of an account that signs in as one of its members, and "
        "print its four values once, as the Application Login body (JSON)."
    )

    def add_arguments(self, parser):
        parser.add_argument("account_id", help="The account (LivePerson site id).")
        parser.add_argument("--user", required=True, metavar="USERNAME", help="A member.")
        parser.add_argument(
            "--read-write",
            action="store_true",
            help="Read-write (accountConfigReadWrite); read-only without it.",
        )
        parser.add_argument("--name", default="", help="What uses the key.")

    def handle(self, *args, account_id, user, read_write, name, **options):
        account = Account.objects.filter(pk=account_id).first()
        if account is None:
            raise CommandError(f"No account {account_id!r}.")
        member = get_user_model().objects.filter(username=user).first()
        if member is None or not member.liveperson_accounts.filter(pk=account.pk).exists():
            raise CommandError(f"{user!r} is not a member of {account_id!r}.")
        permission = KeyPermission.READ_WRITE if read_write else KeyPermission.READ_ONLY
        # The operator at the command line has the database anyway: no actor to check.
        issued = api_key_issue(
            account=account, user=member, permission=permission, name=name, actor=None
        )
        body = {
            "username": member.get_username(),
            "appKey": issued.app_key,
            "secret": issued.secret,
            "accessToken": issued.access_token,
            "accessTokenSecret": issued.access_token_secret,
        }
        self.stdout.write(json.dumps(body))
