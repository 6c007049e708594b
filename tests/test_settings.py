"""Production settings: `check --deploy` and the HTTPS switch, in fresh processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.DEBUG]))"
)


def run(args, **env):
    drop = {"DEBUG", "HTTPS", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in drop}
    base.update(DJANGO_SETTINGS_MODULE="config.settings", ENV_FILE="/dev/null", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!k2-production-like-secret-key-with-enough-entropy-0123456789-abcdef",
    "ALLOWED_HOSTS": "status.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://status.example.com",
}


def test_check_deploy_is_clean_with_https_default():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_https_default_switches_everything_on():
    result = run(["-c", PROBE], **PRODUCTION)
    # SECURE_PROXY_SSL_HEADER stays None: gunicorn decides the scheme, believing
    # X-Forwarded-Proto from TRUSTED_PROXIES only (tests/test_live_processes.py).
    assert json.loads(result.stdout) == [True, True, True, 31536000, None, False]


def test_https_false_serves_plain_http_with_nothing_else_changed():
    result = run(["-c", PROBE], **PRODUCTION, HTTPS="false")
    assert json.loads(result.stdout) == [False, False, False, 0, None, False]


def test_missing_secret_key_has_a_clear_message():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run(["manage.py", "check"], **env, SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "url", ["sqlite:////tmp/portal-probe.sqlite3", "postgres://u:p@db.example.com:5432/portal"]
)
def test_database_url_is_read(url):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(json.dumps([d['ENGINE'], d['NAME']]))"
    )
    result = run(["-c", code], **PRODUCTION, DATABASE_URL=url)
    engine, name = json.loads(result.stdout)
    assert engine.endswith("sqlite3" if url.startswith("sqlite") else "postgresql")
    assert name.endswith("portal-probe.sqlite3" if url.startswith("sqlite") else "portal")
