"""LivePerson's own `node-agent-sdk` (npm, pinned in tests/liveperson_js) against a live
portal, its CSDS domain option pointed at the portal.

The SDK builds every URL as `https://<host>/...`, so the portal is reached through a TLS
front on 127.0.0.1 (tests/reasons/tls_front.py) whose certificate the node process trusts.
`tests/liveperson_js/run.js` drives the SDK's CSDSClient (the Domain API), its
ExternalServices.login (an Application Login with an API key) and refreshSession, the bearer
on the reason routes at the hosts the Domain API named, and the Agent class itself up to
its messaging socket, which the portal does not serve. A missing node or npm fails the test.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

from access.services import hash_secret
from reasons import services
from reasons.models import AccountBearer, KeyPermission, StatusReason
from tests.factories import AccountFactory, UserFactory
from tests.npm import node_with_packages
from tests.reasons.tls_front import tls_front

# A vendor's client against the live server: what it sends and reads does not depend on
# the database behind it (the API's own tests run on both), so once is enough.
pytestmark = pytest.mark.one_database

JS_DIR = Path(__file__).resolve().parent.parent / "liveperson_js"
PERMS = ["reasons.view_statusreason", "reasons.add_statusreason"]


@pytest.fixture(scope="session")
def liveperson_js():
    return node_with_packages(JS_DIR, what="LivePerson's node-agent-sdk")


def test_node_agent_sdk_finds_logs_in_and_works_through_the_portal(
    liveperson_js, live_server, tmp_path
):
    account = AccountFactory(id="12345678")
    bot = UserFactory(username="bot-user", perms=PERMS)
    account.members.add(bot)
    issued = services.api_key_issue(
        account=account, user=bot, permission=KeyPermission.READ_WRITE, actor=None
    )
    backend = live_server.url.removeprefix("http://")
    host, port = backend.rsplit(":", 1)
    with tls_front(host, int(port), tmp_path) as (front, certificate):
        result = subprocess.run(
            [
                liveperson_js,
                "run.js",
                front,
                "12345678",
                "bot-user",
                issued.app_key,
                issued.secret,
                issued.access_token,
                issued.access_token_secret,
            ],
            cwd=JS_DIR,
            env={**os.environ, "NODE_EXTRA_CA_CERTS": str(certificate)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    line = next(
        (line for line in result.stdout.splitlines() if line.startswith("LP-RESULT ")), None
    )
    assert line is not None, result.stdout + result.stderr
    report = json.loads(line.removeprefix("LP-RESULT "))
    assert result.returncode == 0, report

    # 1. The Domain API: every service the SDK needs is at the portal.
    assert report["csdsError"] is None
    assert report["domains"] == {
        "agentVep": front,
        "accountConfigReadOnly": front,
        "accountConfigReadWrite": front,
    }
    # 2. A wrong secret: the SDK reads the Login Service's error body.
    wrong = report["wrongLogin"]
    assert wrong["error"] is not None
    assert wrong["body"]["error"]["responseStatus"] == "UNAUTHORIZED"
    # The right key: the reply the SDK reads (config.userId, csrf, bearer), and the cookie.
    assert report["loginError"] is None
    assert report["loginKeys"][-1] == "bearer" and "csrf" in report["loginKeys"]
    assert report["userId"] == str(bot.pk) and report["loginName"] == "bot-user"
    assert report["cookieNames"] == ["Session_id"]
    # 3. refreshSession with the jar and the csrf.
    assert report["refreshError"] is None
    # 4. The bearer works where the Domain API sent the SDK.
    assert report["created"]["status"] == 200, report["created"]
    assert report["listed"] == {"status": 200, "texts": ["Bot break"]}
    assert StatusReason.objects.get().text == "Bot break"
    # 5. The Agent logged in (its bearer is a live session of the key) before its socket,
    # which the portal does not serve, failed.
    agent = report["agent"]
    assert agent["userId"] == str(bot.pk)
    assert "404" in agent["error"] or "Unexpected server response" in agent["error"], agent
    sessions = AccountBearer.objects.filter(api_key=issued.record)
    assert sessions.count() == 2  # run.js's login, and the Agent's own
    assert sessions.filter(token_hash=hash_secret(agent["token"]), user=bot).exists()
