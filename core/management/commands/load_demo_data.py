from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import load_demo_data


class Command(BaseCommand):
    help = "Fill the portal with a little demo data (idempotent), through the services."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            call_command("ensure_demo_admin", "--json", stdout=StringIO())
            admin = User.objects.get(username="admin")
        load_demo_data(admin=admin)
        self.stdout.write("Demo data ready: log in as admin / admin.")
