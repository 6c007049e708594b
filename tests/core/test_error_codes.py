"""Domain error codes are an enumeration (core.errors.ErrorCode).

An error built with a code that is not a member fails at once, so every code a service
raises in a test is a member. The static checks below also cover the raise sites no test
reaches, the codes of the models' own field rules that core.db.check_fields passes on,
and the vendor maps that translate domain codes.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from core.errors import (
    ConflictError,
    DomainError,
    ErrorCode,
    ForbiddenError,
    ItemError,
    NotFoundError,
    TooLargeError,
)

ROOT = Path(__file__).resolve().parents[2]
ERROR_CLASSES = {
    "DomainError",
    "NotFoundError",
    "ConflictError",
    "ForbiddenError",
    "TooLargeError",
    "ItemError",
}
# The apps whose models the services check with core.db.check_fields (or the same rules).
DOMAIN_APPS = ["statuses", "reasons", "community", "webhooks"]
# Django's field messages that model.clean_fields never raises.
NOT_FROM_CLEAN_FIELDS = {"unique", "unique_for_date"}


def project_sources():
    """The project's own Python files: no tests, migrations or installed packages."""
    for path in sorted(ROOT.glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or parts[0] in {"tests", "node_modules", "scripts"}:
            continue
        if "migrations" in parts or "node_modules" in parts:
            continue
        yield path


def test_a_code_that_is_not_a_member_is_refused():
    for build in [
        lambda: DomainError("x", code="nope"),
        lambda: ConflictError("x", code="name-taken"),
        lambda: NotFoundError("x", code=""),
        lambda: ItemError(0, "text", "duplicated", "x"),
    ]:
        with pytest.raises(ValueError, match="not a domain error code"):
            build()


def test_codes_are_members_and_equal_their_strings():
    error = DomainError("x", code="name_taken")
    assert error.code is ErrorCode.NAME_TAKEN
    assert error.code == "name_taken" and {"name_taken": 1}[error.code] == 1
    assert ItemError(0, "text", "duplicate", "x").code is ErrorCode.DUPLICATE
    defaults = [DomainError, NotFoundError, ConflictError, ForbiddenError, TooLargeError]
    assert all(isinstance(cls("x").code, ErrorCode) for cls in defaults)


def test_every_literal_code_at_a_raise_site_is_a_member():
    """`code="..."` given to a domain error anywhere in the project (ErrorCode.X is the
    form to use; a string that is a member still works)."""
    members = set(ErrorCode)
    wrong = []
    for path in project_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ERROR_CLASSES:
                continue
            codes = [kw.value for kw in node.keywords if kw.arg == "code"]
            if name == "ItemError" and len(node.args) >= 3:
                codes.append(node.args[2])
            for code in codes:
                if isinstance(code, ast.Constant) and code.value not in members:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {code.value!r}")
                if (
                    isinstance(code, ast.Attribute)
                    and getattr(code.value, "id", None) == "ErrorCode"
                    and code.attr not in ErrorCode.__members__
                ):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {code.attr}")
    assert wrong == []


def test_the_codes_of_the_models_field_rules_are_members():
    """core.db.check_fields passes on the code of a model's field rule: Django's own
    (max_length, invalid_choice, min_value, ...) and its validators'."""
    codes = {}
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                where = f"{model.__name__}.{field.name}"
                for code in set(field.error_messages) - NOT_FROM_CLEAN_FIELDS:
                    codes.setdefault(code, where)
                for validator in field.validators:
                    code = getattr(validator, "code", None)
                    if code:
                        codes.setdefault(code, where)
    assert {code: where for code, where in codes.items() if code not in set(ErrorCode)} == {}


def vendor_errors_modules():
    import importlib

    for path in sorted(ROOT.glob("*/*/errors.py")):
        if path.relative_to(ROOT).parts[0] in {"tests", "core"}:
            continue
        yield importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


# The maps of a vendor's errors.py that are keyed by domain code (or by (code, ...)).
DOMAIN_CODE_MAPS = {
    "statuses.libredesk.errors": ["TEXTS"],
    "community.selfcommunity.errors": ["FIELD_CODES", "FIELD_TEXTS", "TEXTS"],
    "reasons.liveperson.errors": ["STATUSES", "INTERNAL_CODES"],
}


def test_the_vendor_maps_of_domain_codes_name_members():
    modules = {module.__name__: module for module in vendor_errors_modules()}
    assert set(DOMAIN_CODE_MAPS) <= set(modules)
    for name, maps in DOMAIN_CODE_MAPS.items():
        for map_name in maps:
            for key in getattr(modules[name], map_name):
                code = key[0] if isinstance(key, tuple) else key
                assert isinstance(code, ErrorCode), f"{name}.{map_name}: {code!r}"


def test_the_vendors_compare_domain_codes_by_member():
    """In a vendor's errors.py a comparison of a code with a string that is a domain code
    is written with ErrorCode (`code == ErrorCode.NAME_TAKEN`), so that a code renamed
    or removed fails here. Codes that only a serializer gives (DRF's `not_an_object`,
    `authentication_failed`) stay strings, and so do the codes of a serializer's
    refusals (`_bad_params`, which reads only serializer codes)."""
    members = set(ErrorCode)
    serializer_only = {"_bad_params", "_code", "_item_errors", "_problem_of_detail"}
    wrong = []
    for module in vendor_errors_modules():
        path = Path(module.__file__)
        tree = ast.parse(path.read_text(), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef) or function.name in serializer_only:
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Compare):
                    continue
                sides = [node.left, *node.comparators]
                if not any(_is_code(side) for side in sides):
                    continue
                for side in sides:
                    for constant in _strings(side):
                        if constant in members:
                            wrong.append(f"{module.__name__}:{node.lineno}: {constant!r}")
    assert wrong == []


def _is_code(node):
    return (isinstance(node, ast.Name) and node.id == "code") or (
        isinstance(node, ast.Attribute) and node.attr == "code"
    )


def _strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [el.value for el in node.elts if isinstance(el, ast.Constant)]
    return []
