"""Status HTML: the nh3 allowlist, XSS payloads, mentions and the summary."""

import re

import pytest

from community.sanitize import render_text, summarize
from tests.community.factories import CategoryFactory, MemberProfileFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

XSS = [
    '<script>alert("x")</script>hello',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">x</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></math>",
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<mention id="1" onclick="alert(1)">@nobody</mention>',
    "<body onload=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
]
EXECUTABLE = re.compile(
    r"<script|<svg|<iframe|<object|<embed|<style|<form|<math|\son\w+\s*=|javascript:|data:text",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", XSS)
def test_xss_payloads_leave_nothing_executable(payload):
    html = render_text(payload).html
    assert not EXECUTABLE.search(html), html


@pytest.mark.parametrize("payload", XSS[:6])
def test_xss_through_the_api(member, payload):
    category = CategoryFactory()
    response = member.post(
        "/api/v2/status/",
        {"action": "x", "text": payload, "categories": [category.pk]},
        format="json",
    )
    assert response.status_code == 201
    assert not EXECUTABLE.search(response.json()["html"]), response.json()["html"]


def test_allowed_markup_is_kept():
    html = render_text(
        '<p>A <strong>bold</strong> <a href="https://example.com/x">link</a></p><ul><li>i</li></ul>'
    ).html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com/x"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<ul><li>i</li></ul>" in html


def test_script_content_is_dropped_not_shown():
    assert "alert" not in render_text("<script>alert(1)</script>ok").html


def test_mentions_of_existing_users(django_assert_num_queries):
    alice = MemberProfileFactory(user__username="alice", ext_id="crm-1").user
    bob = UserFactory(username="bob.smith")
    text = "<p>Hi @alice and @bob.smith. Not @nobody, nor mail@alice.example</p>"
    with django_assert_num_queries(1):  # every username in one query
        rendered = render_text(text)
    assert rendered.html == (
        f'<p>Hi <mention id="{alice.pk}" extid="crm-1">@alice</mention> and '
        f'<mention id="{bob.pk}" extid="">@bob.smith</mention>. '
        "Not @nobody, nor mail@alice.example</p>"
    )
    assert rendered.plain_text == "Hi @alice and @bob.smith. Not @nobody, nor mail@alice.example"


def test_forged_mention_is_rebuilt_for_the_real_user():
    alice = UserFactory(username="alice")
    html = render_text('<mention id="999" extid="admin">@alice</mention>').html
    assert html == f'<mention id="{alice.pk}" extid="">@alice</mention>'
    assert render_text('<mention id="1" extid="x">@ghost</mention>').html == "@ghost"


def test_no_query_without_mentions(django_assert_num_queries):
    with django_assert_num_queries(0):
        render_text("<p>No mentions here, mail me at a@b.example</p>")


def test_mention_inside_link_is_left_alone():
    UserFactory(username="alice")
    html = render_text('<a href="https://x.example/@alice">@alice</a>').html
    assert "<mention" not in html


def test_summary_is_plain_text_of_at_most_500_characters(member):
    category = CategoryFactory()
    text = "<p>" + "word " * 300 + "</p><script>nope()</script>"
    response = member.post(
        "/api/v2/status/",
        {"action": None, "text": text, "categories": [category.pk]},
        format="json",
    )
    summary = response.json()["summary"]
    assert len(summary) <= 500
    assert "<" not in summary and "nope" not in summary
    assert summary.startswith("word word")


def test_summarize_short_text_is_unchanged():
    assert summarize("short", limit=500) == "short"
    assert len(summarize("x" * 600, limit=500)) == 500
