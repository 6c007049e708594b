"""Dependencies point one way (config → vendor folders → domain apps → webhooks | access →
core), `core` names no vendor, and services speak the domain, never a vendor
(docs/architecture.md). import-linter checks the same layers with the contracts in
pyproject.toml (`make check`); these tests keep them without it."""

import ast
import io
import re
import tokenize
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_APPS = {"statuses", "reasons", "community"}
# Each domain app's vendor folders: the surfaces it serves.
VENDOR_FOLDERS = {
    "statuses.libredesk",
    "statuses.rocketchat",
    "reasons.liveperson",
    "community.selfcommunity",
}


def imported_modules(path):
    """The dotted names of the modules `path` imports (`from a import b` names `a.b` too, as
    b may be a module); relative imports resolved against the file's package."""
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def imported_top_level_packages(path):
    return (module.split(".")[0] for module in imported_modules(path))


def unit_of(module):
    """The layering unit a module belongs to: its vendor folder, or else its top package."""
    parts = module.split(".")
    folder = ".".join(parts[:2])
    return folder if folder in VENDOR_FOLDERS else parts[0]


def test_core_imports_no_app():
    """`core` knows no domain app, and neither `access`, `webhooks` nor `config` (the demo
    admin's API key comes from access through core.demo's registry)."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            set(imported_top_level_packages(path))
            & (DOMAIN_APPS | {"access", "webhooks", "config"})
        )
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


# Higher layers may import lower ones; one layer's units import none of each other.
LAYER = {
    "config": 0,
    **dict.fromkeys(VENDOR_FOLDERS, 1),
    **dict.fromkeys(DOMAIN_APPS, 2),
    "webhooks": 3,
    "access": 3,
    "core": 4,
}
KNOWN_UPWARD: set[tuple[str, str]] = set()  # none: keep it so


def test_every_import_points_down_the_layers():
    """config → vendor folders → domain apps → webhooks | access → core: a domain app imports
    none of its vendor folders, no vendor folder imports another, nothing imports config."""
    upward = {
        (str(path.relative_to(ROOT)), unit_of(module))
        for unit in LAYER
        for path in (ROOT / unit.replace(".", "/")).rglob("*.py")
        if unit_of(".".join(path.relative_to(ROOT).with_suffix("").parts)) == unit
        for module in imported_modules(path)
        if unit_of(module) in LAYER
        and unit_of(module) != unit
        and LAYER[unit_of(module)] <= LAYER[unit]
    }
    assert upward - KNOWN_UPWARD == set()


# Vendor names, however spelt: `core` is shared by every surface, so its code names none.
VENDOR_NAME = re.compile(
    r"libre[\W_]*desk|rocket[\W_]*chat|live[\W_]*person|self[\W_]*community|zendesk|genesys",
    re.IGNORECASE,
)


def vendor_names_in_code(source):
    """`line: token` for each identifier or string literal of `source` that names a vendor.
    Comments and docstrings (string statements) may name one: they explain, not decide."""
    documentation = [
        (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    code = {tokenize.NAME, tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    return [
        f"{token.start[0]}: {token.string}"
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type in code
        and VENDOR_NAME.search(token.string)
        and not any(
            (first, first_col) <= token.start and token.end <= (last, last_col)
            for first, first_col, last, last_col in documentation
        )
    ]


def test_the_vendor_finder_reads_code_not_comments():
    source = (
        '"""A module about LivePerson."""\n'
        "# Rocket.Chat's words\n"
        "def f(zendesk_id):\n"
        '    """Genesys too."""\n'
        "    return f'{zendesk_id} on Self-Community', \"libredesk\"\n"
        "TAG = 'Rocket.Chat'\n"
    )
    found = vendor_names_in_code(source)
    # Not the docstrings (lines 1 and 4) nor the comment (line 2).
    assert sorted({int(hit.split(":")[0]) for hit in found}) == [3, 5, 6]
    assert {"3: zendesk_id", '5: "libredesk"', "6: 'Rocket.Chat'"} <= set(found)
    # An f-string's text counts (one token before Python 3.12, several after).
    assert any("Self-Community" in hit for hit in found)


# Shared code: the registries are filled by the apps and surfaces, and name none of them.
NEUTRAL_PACKAGES = ["core", "webhooks"]


@pytest.mark.parametrize("package", NEUTRAL_PACKAGES)
def test_shared_code_names_no_vendor(package):
    found = {
        str(path.relative_to(ROOT)): names
        for path in sorted((ROOT / package).rglob("*.py"))
        # Migrations record history (a field's old label); they are not code that runs on.
        if "migrations" not in path.parts and (names := vendor_names_in_code(path.read_text()))
    }
    assert found == {}


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
# `[2].text`, the capitalised field names Rocket.Chat's messages use, and the vendors' own
# texts for the domain's codes (Rocket.Chat's "The field Name is required" and "... is not
# a valid name", Libredesk's "Cannot update default conversation status").
VENDOR_DIALECT = re.compile(
    r"insertOrUpdateUserStatus|deleteCustomUserStatus|Custom_User_Status|error-[a-z-]+|"
    r"invalid-params|errorType|\[%d\]|\[\{|\[i\]|\"(Name|StatusType)\"|"
    r"(Input|Unauthorized|Permission|NotFound|Conflict|RateLimit|General)Exception|"
    r"The field [A-Z]\w* is required|\bStatusType\b|Cannot (update|delete) default|"
    r"is not a valid (name|status type)"
)
# The domain's own modules: its rules (services, selectors) and the models, whose messages
# (a field's error_messages, a validator's) the admin and the import show.
DOMAIN_MODULES = sorted(
    path for path in ROOT.glob("*/*.py") if path.stem in {"services", "selectors", "models"}
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
    assert first == [9, 3, 4, 2, 1]
    call_command("load_demo_data", stdout=StringIO())
    assert counts() == first
