"""factory_boy factories for the test suite."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from reasons.models import Account, StatusReason
from statuses.models import CATEGORY_OF_STATUS_CATEGORY, ConversationStatus, UserStatus


class UserFactory(factory.django.DjangoModelFactory):
    """An active user with a known password ('pw-<username>')."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-secret-123")

    @factory.post_generation
    def perms(self, create, extracted, **kwargs):
        """`UserFactory(perms=["statuses.add_conversationstatus"])` grants permissions."""
        if create and extracted:
            for perm in extracted:
                app_label, codename = perm.split(".")
                self.user_permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
        if create:
            self.save()


class ConversationStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConversationStatus

    name = factory.Sequence(lambda n: f"Status {n}")
    status_category = ConversationStatus.StatusCategory.OPEN
    # Derived, as the services derive it (statuses.models.CATEGORY_OF_STATUS_CATEGORY).
    category = factory.LazyAttribute(lambda s: CATEGORY_OF_STATUS_CATEGORY[s.status_category])


class UserStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserStatus

    name = factory.Sequence(lambda n: f"Custom {n:04d}")
    status_type = UserStatus.Type.BUSY


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ["id"]

    id = factory.Sequence(lambda n: f"acct{n}")
    name = factory.LazyAttribute(lambda a: f"Account {a.id}")


class StatusReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusReason

    account = factory.SubFactory(AccountFactory)
    text = factory.Sequence(lambda n: f"Reason {n:04d}")
    state = StatusReason.State.AWAY
    # The next position of the account (its live reasons are 1..N, as the services keep
    # them); its sort key follows from it (reasons.models.SortKeyField).
    order = factory.LazyAttribute(
        lambda reason: StatusReason.rows.filter(account=reason.account, deleted=False).count() + 1
    )


def webhook_owner():
    """The superuser who owns the webhook subscriptions of a test (sees every event)."""
    return UserFactory(username="webhook-owner", is_superuser=True, is_staff=True)
