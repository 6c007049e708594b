"""Dependencies point one way: `core` knows no domain app (ARCHITECTURE: config → vendor
folders → domain apps → access → core)."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_APPS = {"statuses", "reasons", "community"}


def imported_top_level_packages(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_core_imports_no_domain_app():
    offenders = {
        str(path.relative_to(ROOT)): sorted(set(imported_top_level_packages(path)) & DOMAIN_APPS)
        for path in (ROOT / "core").rglob("*.py")
    }
    assert {path: apps for path, apps in offenders.items() if apps} == {}


@pytest.mark.django_db
def test_demo_data_comes_from_every_app_and_is_idempotent():
    from community.models import Category, Status
    from reasons.models import StatusReason
    from statuses.models import ConversationStatus, UserStatus

    def counts():
        return [
            m.objects.count()
            for m in (ConversationStatus, UserStatus, StatusReason, Category, Status)
        ]

    call_command("load_demo_data", stdout=StringIO())
    first = counts()
    assert first == [7, 3, 4, 2, 1]
    call_command("load_demo_data", stdout=StringIO())
    assert counts() == first
