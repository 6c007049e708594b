"""Dependencies point one way (config → vendor folders → domain apps → access → core), and
services speak the domain, never a vendor (docs/architecture.md)."""

import ast
import re
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


# webhooks sits beside access: the domain apps emit events through it, and it knows none.
APPS = {"access", "webhooks", *DOMAIN_APPS}


def test_no_two_apps_import_each_other():
    """Domain apps may import access and core; access imports no domain app; no domain app
    imports another (a vendor folder belongs to its app)."""
    imports = {
        app: {
            package
            for path in (ROOT / app).rglob("*.py")
            for package in imported_top_level_packages(path)
        }
        & APPS - {app}
        for app in APPS
    }
    assert imports["access"] == set()
    assert imports["webhooks"] == set()
    below = {"access", "webhooks"}
    assert {app: deps - below for app, deps in imports.items() if deps - below} == {}


def test_access_models_point_at_no_domain_app():
    """A foreign key is a dependency too: credentials may not point at a domain model."""
    from django.apps import apps

    related = {
        f"{model.__name__}.{field.name}": field.related_model._meta.app_label
        for model in apps.get_app_config("access").get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is not None
    }
    assert {name: app for name, app in related.items() if app in DOMAIN_APPS} == {}


# What a vendor's dialect looks like: its error codes and method names, field paths such as
# `[2].text`, and the capitalised field names Rocket.Chat's messages use.
VENDOR_DIALECT = re.compile(
    r"insertOrUpdateUserStatus|deleteCustomUserStatus|Custom_User_Status|error-[a-z-]+|"
    r"invalid-params|errorType|\[%d\]|\[\{|\[i\]|\"(Name|StatusType)\"|"
    r"(Input|Unauthorized|Permission|NotFound|Conflict|RateLimit|General)Exception"
)
DOMAIN_MODULES = sorted(
    path for path in ROOT.glob("*/*.py") if path.stem in {"services", "selectors"}
)


@pytest.mark.parametrize("module", DOMAIN_MODULES, ids=lambda p: f"{p.parent.name}.{p.stem}")
def test_services_and_selectors_speak_only_the_domain(module):
    found = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(module.read_text().splitlines(), 1)
        if VENDOR_DIALECT.search(line)
    ]
    assert found == []


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
