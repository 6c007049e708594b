"""The API documentation and the pages around the API (issue 14, items 13 to 16): one tag per
surface in product order, real examples for every field, the /api/ index, the contract
documents it links to, the browsable API's breadcrumbs and the favicon."""

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from config.surfaces import SURFACES
from tests.surfaces import TAGS, each_surface, openapi_paths

ROOT = Path(__file__).resolve().parent.parent

# The surfaces with operations, in product order (config/surfaces.py); the four of issue 14
# keep their order among them.
SURFACE_TAGS = TAGS
FIRST_SURFACES = ["Libredesk", "Rocket.Chat", "LivePerson", "SelfCommunity"]
# Formats whose sample the viewers make from the format itself ("2019-08-24T14:15:22Z").
SAMPLED_BY_FORMAT = {"date-time", "date", "uri", "email", "uuid", "binary"}
# JavaScript (Swagger UI, ReDoc) holds integers exactly only up to this.
JS_MAX_SAFE_INTEGER = 2**53 - 1


@pytest.fixture(scope="module")
def document():
    """The document /api/schema/ serves, made in-process."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def operations(document):
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


# --- item 15: tags ----------------------------------------------------------------------------


def test_tags_are_the_surfaces_in_product_order_then_oauth2(document):
    names = [tag["name"] for tag in document["tags"]]
    assert names == [*SURFACE_TAGS, "OAuth2"]
    assert [name for name in names if name in FIRST_SURFACES] == FIRST_SURFACES
    oauth2 = document["tags"][-1]
    assert oauth2.get("x-traitTag") is True  # a section of its own in ReDoc, no operations
    assert all("x-traitTag" not in tag for tag in document["tags"][:-1])


@pytest.mark.parametrize(
    ("tag", "contract"),
    [(s.tag, s.contract.removeprefix("docs/contracts/").removesuffix(".md")) for s in SURFACES],
)
def test_each_tag_links_to_its_contract_served_by_the_portal(document, client, tag, contract):
    description = next(t["description"] for t in document["tags"] if t["name"] == tag)
    link = f"[docs/contracts/{contract}.md](/docs/contracts/{contract}.md)"
    assert link in description
    assert "**Authentication:**" in description and "**Base paths:**" in description
    response = client.get(f"/docs/contracts/{contract}.md")
    assert response.status_code == 200
    assert response.content == (ROOT / "docs" / "contracts" / f"{contract}.md").read_bytes()


def test_every_operation_has_exactly_one_tag_and_every_surface_has_operations(document):
    found = {}
    for method, path, operation in operations(document):
        assert len(operation.get("tags", [])) == 1, (method, path, operation.get("tags"))
        found.setdefault(operation["tags"][0], []).append(path)
    assert list(found) == SURFACE_TAGS  # in product order, and none is OAuth2's


@pytest.mark.parametrize("surface", each_surface([s for s in SURFACES if not s.trait]))
def test_each_surface_tags_exactly_the_operations_of_its_own_routes(document, surface):
    tagged = {path for _method, path, op in operations(document) if op["tags"] == [surface.tag]}
    assert tagged and tagged == openapi_paths(surface)


def owner_by_error_paths(path):
    """The surface whose error shape answers `path` where no view does: every surface's
    `errors` patterns in product order, then the fallbacks (as settings.API_ERROR_SHAPES
    tries them), so that the test reads the registry, not a list of prefixes of its own."""
    routes = [(route, s) for s in SURFACES for route in s.errors]
    ordered = sorted(routes, key=lambda pair: pair[0].fallback)  # stable
    return next((s.tag for route, s in ordered if re.match(route.pattern, path)), None)


def test_every_operation_is_under_the_error_paths_of_some_surface(document):
    assert {
        path for _m, path, _op in operations(document) if not owner_by_error_paths(path)
    } == set()


@pytest.mark.parametrize("surface", each_surface([s for s in SURFACES if not s.trait]))
def test_operations_are_tagged_with_the_surface_that_serves_their_path(document, surface):
    # The path patterns are the registry's (config/surfaces.py `errors`): SelfCommunity's
    # `/api/v2/` is a fallback, so `/api/v2/custom_status...` is Zendesk's.
    tagged = {path for _method, path, op in operations(document) if op["tags"] == [surface.tag]}
    matching = {
        path
        for _method, path, _op in operations(document)
        if owner_by_error_paths(path) == surface.tag
    }
    assert matching and tagged == matching


def test_operations_are_listed_in_product_order_each_surface_in_route_order(document):
    # Swagger UI and ReDoc order their sections as the document's `tags`; the paths follow
    # the same product order, and within a surface the order its routes are declared in:
    # the login first, then the routes it opens.
    first_seen = list(dict.fromkeys(op["tags"][0] for _m, _p, op in operations(document)))
    assert first_seen == SURFACE_TAGS
    assert [tag for tag in first_seen if tag in FIRST_SURFACES] == FIRST_SURFACES
    for tag, login in [("Rocket.Chat", "/api/v1/login"), ("LivePerson", "/api/account/")]:
        paths = [p for _m, p, op in operations(document) if op["tags"] == [tag]]
        assert paths[0].startswith(login) and paths[0].endswith("login")


# --- item 14: examples ------------------------------------------------------------------------


def sample_problem(schema):
    """Why a viewer's sample of `schema` would not be a real value, or None.

    A property must carry an `example`, unless its sample needs none: a reference to
    another component (checked on its own), an enum, a boolean, a string of a format the
    viewers sample by themselves, or an array whose items pass.
    """
    if "example" in schema or "enum" in schema:
        return None
    if "$ref" in schema or (len(schema.get("allOf", [])) == 1 and "$ref" in schema["allOf"][0]):
        return None
    kind = schema.get("type")
    if kind == "boolean":
        return None
    if kind == "string" and schema.get("format") in SAMPLED_BY_FORMAT:
        return None
    if kind == "array":
        problem = sample_problem(schema.get("items", {}))
        return None if problem is None else f"items: {problem}"
    return f"no example for a {kind or 'value of any type'}"


def test_every_property_of_every_component_has_a_real_sample(document):
    problems = [
        f"{name}.{prop}: {problem}"
        for name, component in document["components"]["schemas"].items()
        for prop, schema in (component.get("properties") or {}).items()
        if (problem := sample_problem(schema))
    ]
    assert problems == []


def json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` becomes a `null` type."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def test_every_example_is_a_valid_value_of_its_property(document):
    components = json_schema(document["components"])
    checked = 0
    for name, component in document["components"]["schemas"].items():
        for prop, schema in (component.get("properties") or {}).items():
            if "example" not in schema:
                continue
            # `example` is no JSON Schema keyword: the validator ignores it.
            rule = {**json_schema(copy.deepcopy(schema)), "components": components}
            errors = list(jsonschema.Draft7Validator(rule).iter_errors(schema["example"]))
            assert errors == [], (name, prop, schema["example"], errors[0].message)
            checked += 1
    assert checked > 150


def test_no_number_in_the_document_is_beyond_what_javascript_holds_exactly(document):
    # The issue's "order": -9223372036854776000 was -2**63 rounded by ReDoc's JavaScript.
    unsafe = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")
        elif (
            isinstance(node, int | float)
            and not isinstance(node, bool)
            and abs(node) > JS_MAX_SAFE_INTEGER
        ):
            unsafe.append((where, node))

    walk(document, "")
    assert unsafe == []
    ids = document["components"]["schemas"]["SCStatusWriteRequest"]["properties"]["categories"]
    assert ids["items"]["format"] == "int64" and ids["items"]["minimum"] == 1


def test_the_reason_order_sample_is_a_position(document):
    for component in ("Reason", "ReasonWriteRequest"):
        order = document["components"]["schemas"][component]["properties"]["order"]
        assert order["example"] == 1


def test_integer_query_parameters_have_an_example_and_a_lower_bound(document):
    seen = set()
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] != "query" or schema.get("type") != "integer":
                continue
            seen.add(parameter["name"])
            assert "example" in schema and "minimum" in schema, (method, path, parameter)
            assert schema["minimum"] <= schema["example"] <= schema.get("maximum", 2**31)
    assert seen >= {"limit", "offset", "count"}


# --- item 16: the /api/ index -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_index_lists_every_surface_as_json_for_api_clients():
    response = APIClient().get("/api/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "Accept" in response["Vary"]
    body = response.json()
    assert [s["name"] for s in body["surfaces"]] == [*SURFACE_TAGS, "OAuth2"]
    libredesk = body["surfaces"][0]
    assert libredesk["base_paths"] == ["/api/v1/statuses", "/api/v1/agents/{id}/api-key"]
    assert libredesk["authentication"] == [
        ["Authorization: Basic base64(api_key:api_secret)"],
        ["Authorization: token api_key:api_secret"],
    ]
    assert libredesk["contract"] == {
        "name": "docs/contracts/libredesk.md",
        "url": "http://testserver/docs/contracts/libredesk.md",
    }
    assert libredesk["docs"] == "http://testserver/api/redoc/#tag/Libredesk"
    assert body["documentation"] == {
        "swagger_ui": "http://testserver/api/docs/",
        "redoc": "http://testserver/api/redoc/",
        "openapi_schema": "http://testserver/api/schema/",
    }
    rocketchat = body["surfaces"][1]
    assert rocketchat["authentication"] == [["X-Auth-Token: <authToken>", "X-User-Id: <userId>"]]


@pytest.mark.django_db
def test_the_api_index_is_a_page_for_browsers(client):
    response = client.get("/api/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    for surface in SURFACES:
        assert f'id="{surface.anchor}"' in html
        assert f'href="/{surface.contract}"' in html
        for path in surface.base_paths:
            assert f"<code>{path}</code>" in html.replace("&lt;", "<").replace("&gt;", ">")
    for href in ["/api/docs/", "/api/redoc/", "/api/schema/"]:
        assert f'href="{href}"' in html
    assert "<main" in html and 'rel="icon"' in html


@pytest.mark.django_db
def test_the_api_index_is_public_and_not_part_of_the_openapi_document(document):
    assert "/api/" not in document["paths"]
    response = APIClient().post("/api/", {})
    assert response.status_code == 405
    assert response.json() == {"message": 'Method "POST" not allowed.', "success": False}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/api/v1/nope", "error_type"),
        ("/api/v1/custom-user-status.nope", "errorType"),
        ("/api/v2/nope/", "errors"),
        ("/api/v2/", "errors"),
        ("/api/account/acme/nope", "errors"),
        ("/api/nope", "message"),
    ],
)
def test_unknown_paths_under_api_keep_their_surfaces_404(path, key):
    response = APIClient().get(path)
    assert response.status_code == 404
    assert key in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("document_path", ["docs/names.md", "docs/contracts/liveperson.md"])
def test_the_contract_documents_are_served_as_plain_text(client, document_path):
    response = client.get(f"/{document_path}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == (ROOT / document_path).read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/docs/security.md", "/docs/contracts/nope.md", "/docs/contracts/../../README.md"],
)
def test_only_the_public_documents_are_served(client, path):
    assert client.get(path).status_code == 404


# --- item 16: breadcrumbs and favicon ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "crumbs"),
    [
        ("/api/v2/status/", ["API", "Status List"]),
        ("/api/v2/status/1/", ["API", "Status List", "Status Detail"]),
        ("/api/v2/category/", ["API", "Category List"]),
        ("/api/v1/statuses/1", ["API", "Status List", "Status Detail"]),
        ("/api/v1/custom-user-status.list", ["API", "User Status List"]),
    ],
)
def test_browsable_api_breadcrumbs_name_real_pages(admin_client, path, crumbs):
    response = admin_client.get(path, HTTP_ACCEPT="text/html")
    html = response.content.decode()
    trail = re.search(r'<ul class="breadcrumb">(.*?)</ul>', html, re.S).group(1)
    items = re.findall(r"<li.*?</li>", trail, re.S)
    names = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
    assert names == crumbs
    assert "Unknown Route" not in html
    assert '<a href="/api/">API</a>' in trail


@pytest.mark.django_db
def test_browsable_api_pages_carry_the_portal_favicon_and_name(admin_client):
    html = admin_client.get("/api/v2/status/", HTTP_ACCEPT="text/html").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    assert "Status configuration portal" in html


@pytest.mark.django_db
def test_favicon_is_served_at_the_site_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert body == (ROOT / "core" / "public" / "favicon.ico").read_bytes()
    # The pages' <link rel="icon"> names the SVG drawing of the same icon, a static file.
    assert Path(finders.find("core/favicon.svg")).read_text().startswith("<svg")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/docs/",
        "/api/redoc/",
        "/api/",
        "/admin/",
        "/admin/statuses/conversationstatus/",
        "/admin/statuses/conversationstatus/add/",
    ],
)
def test_the_portals_pages_link_the_favicon(admin_client, path):
    html = admin_client.get(path, HTTP_ACCEPT="text/html").content.decode()
    assert 'rel="icon"' in html


@pytest.mark.django_db
def test_the_admin_sign_in_page_links_the_favicon(client):
    assert 'rel="icon"' in client.get("/admin/login/").content.decode()


# --- item 13: ReDoc offline -------------------------------------------------------------------


@pytest.mark.django_db
def test_redoc_page_loads_its_bundle_and_options_from_the_portal(client):
    html = client.get("/api/redoc/").content.decode()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    bundle = re.search(r'<script src="([^"]+)"', html).group(1)
    assert bundle.startswith("/api/redoc/redoc.standalone.js?v=")
    options = json.loads(re.search(r'id="redoc-options"[^>]*>(.*?)</script>', html, re.S)[1])
    assert options == settings.SPECTACULAR_SETTINGS["REDOC_UI_SETTINGS"]
    assert "<script>" not in html  # no inline script: the Content-Security-Policy allows none


@pytest.mark.django_db
def test_the_redoc_bundle_asks_no_other_site_for_anything(client):
    version = re.search(r"\?v=(\w+)", client.get("/api/redoc/").content.decode())[1]
    response = client.get(
        f"/api/redoc/redoc.standalone.js?v={version}", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    import gzip

    text = gzip.decompress(response.content).decode()
    assert "cdn.redoc.ly" not in text
    assert "API docs by Redocly" in text  # the attribution stays, as a plain link
    again = client.get("/api/redoc/redoc.standalone.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
