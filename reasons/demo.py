"""A demo account with its reasons, made through the services."""

from core.demo import demo_data
from core.text import name_key
from reasons import services
from reasons.models import StatusReason

REASONS = [
    ("Lunch", "Away"),
    ("Training", "Away"),
    ("Coaching", "Occupied"),
    ("After-call work", "Occupied"),
]


@demo_data(order=20)
def load(*, admin):
    """The account `acme`, with the demo admin as a member, and its reasons."""
    account, _ = services.account_ensure(account_id="acme", name="Acme support", members=[admin])
    missing = [
        {"text": text, "state": state, "order": i}
        for i, (text, state) in enumerate(REASONS)
        if not StatusReason.objects.filter(
            account=account, text_key=name_key(text), deleted=False
        ).exists()
    ]
    if missing:
        services.reason_create_many(account_id=account.pk, items=missing)
