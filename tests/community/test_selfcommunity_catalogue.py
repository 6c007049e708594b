"""Every status, category, tag and media route of the pinned SDK's endpoint catalogue.

`tests/selfcommunity_sdk/catalogue.js` reads the catalogue from `@selfcommunity/api-services`
itself (its `Endpoints` and the service methods that send each entry), calls every entry
against a live portal, through the SDK's own service method where there is one, and
validates each reply against the type the SDK declares for it (JSON Schemas generated from
`@selfcommunity/types`). The routes the portal leaves out are the table in
docs/contracts/selfcommunity.md, read here: a listed entry must exist and answer 404/405,
an entry not listed must answer its documented success in its documented shape.
"""

import base64
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.models import Media, Tag
from tests.community.factories import CategoryFactory, MediaFactory, StatusFactory, TagFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory
from tests.npm import node_with_packages

# A vendor's client against the live server: what it sends and reads does not depend on
# the database behind it (the API's own tests run on both), so once is enough.
pytestmark = pytest.mark.one_database

ROOT = Path(__file__).resolve().parent.parent.parent
SDK_DIR = ROOT / "tests" / "selfcommunity_sdk"
CONTRACT = ROOT / "docs" / "contracts" / "selfcommunity.md"
SECTION = "## Routes of the SDK's catalogue that the portal does not serve"


def left_out_routes(text: str) -> list[dict]:
    """The rows of the contract's table of routes not served: entry, route and why."""
    if SECTION not in text:
        pytest.fail(f"docs/contracts/selfcommunity.md has no section {SECTION!r}")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.replace("`", "").strip() for cell in rows[0].strip("|").split("|")]
    assert header == ["Endpoints entry", "method and path", "why"], header
    routes = []
    for line in rows[2:]:
        entry, route, why = (cell.strip() for cell in line.strip("|").split("|", 2))
        routes.append({"entry": entry.strip("`"), "route": route.strip("`"), "why": why})
    return routes


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def failure_table(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        got = row["status"] if row["status"] is not None else "-"
        lines.append(f"- {row['entry']}: {row['sent']} via {row['via']}")
        lines.append(f"    expected {row['expected']}, got {got}")
        lines.extend(f"    {problem}" for problem in row["problems"][:5])
        if row["body"]:
            lines.append(f"    body: {row['body']}")
    return "\n".join(lines)


def catalogue_table(rows: list[dict]) -> str:
    lines = [f"{'entry':42} {'route':46} {'expected':38} {'got':4} {'result':6} via"]
    for row in rows:
        result = "ok" if row["ok"] else "FAIL"
        got = str(row["status"] or "-")
        lines.append(
            f"{row['entry']:42} {row['route']:46} {row['expected']:38} {got:4} {result:6} "
            f"{row['via']}"
        )
    return "\n".join(lines)


@pytest.fixture
def sdk_installed():
    return node_with_packages(SDK_DIR, what="the SelfCommunity SDK catalogue test")


@pytest.fixture
def community(settings, tmp_path):
    """A caller, a moderator and another member; a category with a parent, tags of each
    type, statuses (one shared by a second through a share media), and the caller's url and
    image media. Returns the ids the catalogue acts on."""
    settings.MEDIA_ROOT = tmp_path / "media"
    caller = UserFactory(username="catalogue-member")
    moderator = UserFactory(username="catalogue-moderator", is_staff=True, is_superuser=True)
    author = UserFactory(username="catalogue-author")
    parent = CategoryFactory(name="Catalogue parent")
    child = CategoryFactory(name="Catalogue child", parents=[parent])
    doomed_category = CategoryFactory(name="Catalogue category to delete")
    user_tag = TagFactory(name="catalogue-members", type=Tag.Type.USER)
    category_tag = TagFactory(name="catalogue-topics", type=Tag.Type.CATEGORY)
    child.tags.set([category_tag])
    tag = TagFactory(name="catalogue-news", type=Tag.Type.CONTRIBUTION)
    status = StatusFactory(
        author=author,
        action="Catalogue status",
        html="<p>The catalogue's status</p>",
        plain_text="The catalogue's status",
        categories=[child, parent],
        tags=[tag],
    )
    share = MediaFactory(owner=caller, type=Media.Type.SHARE, url="", shared_object=status)
    sharing = StatusFactory(author=caller, categories=[child], medias=[share])
    url_media = MediaFactory(owner=caller, url="https://example.com/catalogue-page")
    image_media, media_to_delete = (
        MediaFactory(
            owner=caller,
            type=Media.Type.IMAGE,
            url="",
            image=SimpleUploadedFile(name, png_bytes(), content_type="image/png"),
        )
        for name in ("catalogue.png", "catalogue-doomed.png")
    )
    return {
        "caller": caller,
        "moderator": moderator,
        "image_url": image_media.image.url,
        "ids": {
            "status": status.pk,
            "sharing_status": sharing.pk,
            "own_status": StatusFactory(author=caller, categories=[child]).pk,
            "status_to_delete": StatusFactory(author=caller, categories=[child]).pk,
            "status_to_hide": StatusFactory(author=author, categories=[child]).pk,
            "category": child.pk,
            "parent_category": parent.pk,
            "category_to_delete": doomed_category.pk,
            "tag": tag.pk,
            "user_tag": user_tag.pk,
            "category_tag": category_tag.pk,
            "media": url_media.pk,
            "image_media": image_media.pk,
            "media_to_delete": media_to_delete.pk,
            "user": caller.pk,
        },
    }


def test_every_catalogue_route_answers_in_its_documented_shape(
    sdk_installed, live_server, oauth_app, community, tmp_path
):
    left_out = left_out_routes(CONTRACT.read_text())
    given = {
        "baseUrl": live_server.url,
        "token": issue_bearer(community["caller"], oauth_app),
        "staffToken": issue_bearer(community["moderator"], oauth_app),
        "ids": community["ids"],
        "imageUrl": community["image_url"],
        "png": base64.b64encode(png_bytes()).decode(),
        "leftOut": left_out,
    }
    given_path = tmp_path / "catalogue-input.json"
    given_path.write_text(json.dumps(given))
    result = subprocess.run(
        [sdk_installed, "catalogue.js", str(given_path)],
        cwd=SDK_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("CATALOGUE-RESULT "))
    report = json.loads(line.removeprefix("CATALOGUE-RESULT "))
    rows = report["rows"]
    print(catalogue_table(rows))

    # The list is the package's: no stale, unknown or misspelt entry, each with its reason.
    assert report["listProblems"] == [], "\n".join(report["listProblems"])

    # The catalogue is what the package says, and every entry was checked: served or left out.
    selected = set(report["selected"])
    listed = {row["entry"] for row in left_out}
    assert listed <= selected
    assert {row["entry"] for row in rows} == selected
    assert {row["entry"] for row in rows if row["listed"]} == listed
    served = selected - listed
    assert served | listed == selected and not served & listed
    # The catalogue is read, not empty: the SDK's status, category, tag and media services.
    assert {"Vote", "Flag", "CategoryList", "TagsList", "ComposerChunkUploadMedia"} <= selected
    assert report["serviceMethods"]["Vote"] == ["FeedObjectService.voteFeedObject"]
    assert all(re.fullmatch(r"[A-Z]+ /api/v2/\S+/", row["route"]) for row in rows)

    failures = [row for row in rows if not row["ok"]]
    assert not failures, (
        f"{len(failures)} of {len(rows)} catalogue calls of @selfcommunity/api-services "
        f"{report['package']} failed ({len(served)} entries served, {len(listed)} left out in "
        f"docs/contracts/selfcommunity.md): {', '.join(row['entry'] for row in failures)}\n"
        f"{failure_table(failures)}"
    )
