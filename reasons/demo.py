"""A demo account with its reasons, made through the services."""

from core.demo import demo_data
from reasons import services
from reasons.selectors import reason_text_taken

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
        services.ReasonFields(text=text, state=state, order=position)
        for position, (text, state) in enumerate(REASONS, start=1)
        if not reason_text_taken(account_id=account.pk, text=text)
    ]
    if missing:
        services.reason_create_many(account=account, items=missing)
