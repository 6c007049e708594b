"""The OpenAPI document, its viewers and the landing page."""

import html
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from config.surfaces import LANDING_SUMMARY, SURFACES
from core.surfaces import Surface, landing_summary

ROOT = Path(__file__).resolve().parent.parent
FIRST_FIVE = ["Libredesk", "Rocket.Chat", "LivePerson", "SelfCommunity", "Zendesk"]


@pytest.mark.one_database  # the document is made from the code, never from the database
def test_spectacular_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.mark.django_db
def test_schema_documents_libredesk_auth_and_envelopes(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {**schemes["basicAuth"], "type": "http", "scheme": "basic"}
    assert (
        schemes["tokenAuth"]["in"] == "header" and schemes["tokenAuth"]["name"] == "Authorization"
    )
    create = schema["paths"]["/api/v1/statuses"]["post"]
    assert {"basicAuth": []} in create["security"] and {"tokenAuth": []} in create["security"]
    assert set(create["responses"]) >= {"200", "400", "401", "403", "409"}
    error_ref = create["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    error = schema["components"]["schemas"][error_ref.rsplit("/", 1)[1]]
    assert set(error["properties"]) == {"status", "message", "data", "error_type"}
    for path, methods in [
        ("/api/v1/statuses/{status_id}", {"get", "put", "delete"}),
        ("/api/v1/agents/{agent_id}/api-key", {"post", "delete"}),
    ]:
        assert methods <= set(schema["paths"][path])
        for method in methods:
            assert "404" in schema["paths"][path][method]["responses"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "asset"),
    [
        ("/api/docs/", "/static/drf_spectacular_sidecar/swagger-ui-dist/"),
        # ReDoc's bundle comes from the sidecar too, served without its CDN logo.
        ("/api/redoc/", "/api/redoc/redoc.standalone.js?v="),
    ],
)
def test_docs_pages_are_public_and_use_local_assets(client, path, asset):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert asset in html
    assert "cdn.jsdelivr" not in html and "https://" not in html


@pytest.mark.django_db
def test_landing_page_links(client):
    html = client.get("/").content.decode()
    for href in ["/admin/", "/api/docs/", "/api/redoc/", "/api/schema/"]:
        assert f'href="{href}"' in html


@pytest.mark.django_db
def test_landing_page_names_the_vendors_and_what_they_serve_from_the_surfaces(client):
    [paragraph] = re.findall(r"<p>(.*?)</p>", client.get("/").content.decode(), re.S)
    assert " ".join(html.unescape(paragraph).split()) == LANDING_SUMMARY


def test_landing_summary_of_the_first_five_surfaces_is_the_sentence_written_before():
    # Each kind of object once, then the vendors that serve one under a name of their own
    # (a surface added later extends the sentence; this pins the five it was written for).
    five = [s for s in SURFACES if s.tag in FIRST_FIVE]
    assert [s.tag for s in five] == FIRST_FIVE
    assert landing_summary(five) == (
        "Conversation statuses, custom user statuses, agent status reasons and community "
        "status posts, configured in one place and served through APIs compatible with "
        "Libredesk, Rocket.Chat, LivePerson and SelfCommunity, and Zendesk's custom ticket "
        "statuses."
    )


def test_landing_summary_lists_a_new_kind_and_a_new_name_for_an_existing_one():
    acme = Surface(
        tag="Acme",
        serves="",
        base_paths=(),
        authentication=(),
        credentials="",
        contract="",
        objects="presence definitions",
        portal_objects="custom user statuses",
    )
    things = replace(acme, tag="Things", objects="things", portal_objects="")
    assert landing_summary((*[s for s in SURFACES if s.tag in FIRST_FIVE], acme, things)) == (
        "Conversation statuses, custom user statuses, agent status reasons, community status "
        "posts and things, configured in one place and served through APIs compatible with "
        "Libredesk, Rocket.Chat, LivePerson, SelfCommunity and Things, and Zendesk's custom "
        "ticket statuses and Acme's presence definitions."
    )
    assert landing_summary((things,)) == (
        "Things, configured in one place and served through APIs compatible with Things."
    )


@pytest.mark.django_db
def test_schema_documents_rocketchat_header_pair_and_bodies(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["authToken"] == {**schemes["authToken"], "in": "header", "name": "X-Auth-Token"}
    assert schemes["userId"] == {**schemes["userId"], "in": "header", "name": "X-User-Id"}
    for path in [
        "/api/v1/custom-user-status.create",
        "/api/v1/custom-user-status.update",
        "/api/v1/custom-user-status.delete",
    ]:
        operation = schema["paths"][path]["post"]
        # One requirement naming both headers: they are sent together.
        assert {"authToken": [], "userId": []} in operation["security"]
        assert {"200", "400", "401", "403"} <= set(operation["responses"])
    listing = schema["paths"]["/api/v1/custom-user-status.list"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"offset", "count", "sort", "name", "_id"}
    login = schema["paths"]["/api/v1/login"]["post"]
    assert "security" not in login or login["security"] in ([], [{}])
    assert {"200", "401"} <= set(login["responses"])
