"""The LivePerson bearer model moved from `access` to `reasons`: a database made before the
move keeps its bearers (and the permissions granted on them) after `migrate`."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from access.services import hash_secret
from reasons.services import account_bearer_authenticate

BEFORE = [("access", "0003_accountbearer"), ("reasons", "0005_text_key_constraints")]
OTHERS = {"auth", "contenttypes"}


def migrate(targets):
    """Migrate the apps of `targets` to them; the models as they were then (with the
    current auth and contenttypes, which the moved model's rows point at)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] in OTHERS]
    return executor.loader.project_state([*targets, *others]).apps


@pytest.mark.django_db(transaction=True)
def test_bearers_survive_the_move_to_reasons():
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="agent", is_active=True)
    account = old.get_model("reasons", "Account").objects.create(id="acme")
    account.members.add(user)
    old.get_model("access", "AccountBearer").objects.create(
        user=user, account=account, token_hash=hash_secret("the-bearer")
    )
    ContentType = old.get_model("contenttypes", "ContentType")
    bearer_type = ContentType.objects.get_or_create(app_label="access", model="accountbearer")[0]
    permission = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=bearer_type, codename="delete_accountbearer", defaults={"name": "Can delete"}
    )[0]
    old.get_model("auth", "Group").objects.create(name="session admins").permissions.add(permission)

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    bearer = account_bearer_authenticate(token="the-bearer")
    assert (bearer.user.username, bearer.account_id) == ("agent", "acme")
    perms = Group.objects.get(name="session admins").permissions.all()
    assert [(p.content_type.app_label, p.codename) for p in perms] == [
        ("reasons", "delete_accountbearer")
    ]
