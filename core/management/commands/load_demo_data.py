from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from community import services as community
from community.models import Category, Tag, TagType
from core.text import name_key
from reasons import services as reasons
from reasons.models import StatusReason
from statuses import services as statuses
from statuses.models import ConversationStatus, UserStatus

CONVERSATION = [("Pending", "waiting"), ("Escalated", "open"), ("Awaiting customer", "waiting")]
USER_STATUSES = [("In a meeting", "busy"), ("Lunch", "away"), ("Focus time", "busy")]
REASONS = [
    ("Lunch", "Away"),
    ("Training", "Away"),
    ("Coaching", "Occupied"),
    ("After-call work", "Occupied"),
]


class Command(BaseCommand):
    help = "Fill the portal with a little demo data (idempotent), through the services."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            call_command("ensure_demo_admin", "--json", stdout=StringIO())
            admin = User.objects.get(username="admin")
        for name, category in CONVERSATION:
            if not ConversationStatus.objects.filter(name_key=name_key(name)).exists():
                statuses.conversation_status_create(name=name, category=category)
        for name, status_type in USER_STATUSES:
            if not UserStatus.objects.filter(name_key=name_key(name)).exists():
                statuses.user_status_create(name=name, status_type=status_type)
        account, _ = reasons.account_ensure(account_id="acme", name="Acme support", members=[admin])
        missing = [
            {"text": text, "state": state, "order": i}
            for i, (text, state) in enumerate(REASONS)
            if not StatusReason.objects.filter(
                account=account, text_key=name_key(text), deleted=False
            ).exists()
        ]
        if missing:
            reasons.reason_create_many(account_id=account.pk, items=missing)
        product = Category.objects.filter(name_key=name_key("Product")).first()
        if product is None:
            product = community.category_save(
                name="Product", slogan="Everything about the product", order=1
            )
        if not Category.objects.filter(name_key=name_key("Feature requests")).exists():
            community.category_save(name="Feature requests", parents=[product.pk], order=2)
        if not Tag.objects.filter(name_key=name_key("release"), type=TagType.CONTRIBUTION).exists():
            community.tag_save(name="release", type=TagType.CONTRIBUTION)
        if not admin.community_statuses.exists():
            community.status_create(
                author=admin,
                action="Shipped dark mode",
                text="<p>Dark mode is live for everyone. Thanks @admin!</p>",
                categories=[product.pk],
            )
        self.stdout.write("Demo data ready: log in as admin / admin.")
