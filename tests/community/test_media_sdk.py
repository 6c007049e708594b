"""Every media route through the vendor's SDK (`MediaService` of @selfcommunity/api-services)
against a live portal, the chunked upload of a several-chunk PNG included
(`tests/selfcommunity_sdk/media.js`). Every reply is validated against the JSON Schemas
generated from the pinned @selfcommunity/types (SCMediaType, SCChunkMediaType)."""

import io
import json
import random
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from community.models import Media, MediaUpload
from tests.community.factories import StatusFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory
from tests.npm import node_with_packages

# A vendor's client against the live server: what it sends and reads does not depend on
# the database behind it (the API's own tests run on both), so once is enough.
pytestmark = pytest.mark.one_database

SDK_DIR = Path(__file__).resolve().parent.parent / "selfcommunity_sdk"


@pytest.fixture(scope="session")
def sdk_installed():
    return node_with_packages(SDK_DIR, what="the SelfCommunity SDK test")


def noisy_png(path: Path) -> bytes:
    rng = random.Random(11)
    image = Image.frombytes("RGB", (400, 400), rng.randbytes(400 * 400 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def test_every_media_route_through_the_sdk(
    sdk_installed, live_server, oauth_app, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMMUNITY_UPLOAD_DIR = tmp_path / "chunks"
    member = UserFactory(username="sdkmedia")
    status = StatusFactory()
    png = noisy_png(tmp_path / "photo.png")
    assert len(png) > 2 * 204800  # three chunks of the UI's size
    payload = {
        "baseUrl": live_server.url,
        "token": issue_bearer(member, oauth_app),
        "otherToken": issue_bearer(UserFactory(), oauth_app),
        "statusId": status.pk,
        "pngPath": str(tmp_path / "photo.png"),
    }
    (tmp_path / "media.json").write_text(json.dumps(payload))
    result = subprocess.run(
        [sdk_installed, "media.js", str(tmp_path / "media.json")],
        cwd=SDK_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("MEDIA-RESULT "))
    report = json.loads(line.removeprefix("MEDIA-RESULT "))

    # The share and the embed.
    assert report["share"]["embed"] == {
        "id": report["share"]["id"],
        "embed_type": "sc_shared_object",
        "embed_id": str(status.pk),
        "metadata": {"type": "status", "id": status.pk},
    }
    assert report["embed"]["embed"]["metadata"] == {"n": 1}
    assert report["reservedEmbed"] == {
        "status": 400,
        "formatted": {
            "embedError": {"error": '"sc_link" is an embed type SelfCommunity makes itself.'}
        },
    }

    # The chunked upload: three chunks, then the image is the very PNG.
    assert [chunk["offset"] for chunk in report["chunks"]] == ["204800", "409600", str(len(png))]
    assert report["wrongMd5"] == {
        "status": 400,
        "formatted": {"md5Error": {"error": "The MD5 checksum does not match the file received."}},
    }
    assert report["foreignComplete"]["status"] == 404
    assert report["imageIsTheFile"] is True
    image = Media.objects.get(pk=report["image"]["id"])
    assert image.owner == member and image.image.name.endswith(".png")
    with image.image.open("rb") as stored:
        assert stored.read() == png
    assert (report["image"]["image_width"], report["image"]["image_height"]) == (400, 400)
    assert report["uiComplete"] == {"status": 201, "type": "image"}
    assert report["plainSdkChunk"] == {
        "status": 400,
        "formatted": {
            "imageError": {
                "error": "The submitted data was not a file. Check the encoding type on the form."
            }
        },
    }
    assert not MediaUpload.objects.exists()

    # Read, the link's preview, click, delete.
    assert report["fetched"] == report["image"]
    assert report["preview"]["image"] == report["image"]["image"]
    assert report["foreignPreview"]["status"] == 400
    assert Media.objects.get(pk=report["image"]["id"]).click_count == 1
    assert not Media.objects.filter(pk=report["embed"]["id"]).exists()
    assert report["deletedAgain"]["status"] == 404

    replies = report["replies"]
    assert replies["problems"] == []
    assert replies["kinds"] == {
        "POST /api/v2/media/ 201 media": 3,
        "POST /api/v2/media/ 400 errors": 1,
        "POST /api/v2/media/upload/chunk/ 201 chunkMedia": 6,
        "POST /api/v2/media/upload/chunk/ 400 errors": 1,
        "POST /api/v2/media/upload/complete/ 400 errors": 1,
        "POST /api/v2/media/upload/complete/ 404 errors": 1,
        "POST /api/v2/media/upload/complete/ 201 media": 2,
        "GET /api/v2/media/{id}/ 200 media": 1,
        "PUT /api/v2/media/{id}/ 200 media": 1,
        "PUT /api/v2/media/{id}/ 400 errors": 1,
        "POST /api/v2/media/{id}/click/ 204 empty": 1,
        "DELETE /api/v2/media/{id}/ 204 empty": 1,
        "GET /api/v2/media/{id}/ 404 errors": 1,
    }
