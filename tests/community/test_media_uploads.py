"""Uploaded images: decoded server-side, renamed by the server, served as inert content."""

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from community import services
from community.models import Media
from core.errors import DomainError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MEDIA = "/api/v2/media/"
SCRIPT = b"<html><script>fetch('/admin/').then(r => r.text()).then(alert)</script></html>"
SANDBOX = "default-src 'none'; sandbox"


def image_bytes(image_format, size=(4, 3)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format=image_format)
    return buffer.getvalue()


def polyglot():
    """A real PNG with an HTML page appended: Pillow decodes it, a browser could render it."""
    return image_bytes("PNG") + SCRIPT


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_name(media):
    return media.image.name.rsplit("/", 1)[-1]


def test_polyglot_named_html_is_stored_as_png_and_served_inert(sc_login, client):
    member = sc_login()
    upload = SimpleUploadedFile("x.html", polyglot(), content_type="text/html")
    response = member.post(MEDIA, {"type": "image", "image": upload}, format="multipart")
    assert response.status_code == 201, response.content
    media = Media.objects.get(pk=response.json()["id"])
    name = stored_name(media)
    assert re.fullmatch(r"[0-9a-f]{32}\.png", name), name
    assert "x.html" not in response.json()["image"]

    served = client.get(media.image.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == SANDBOX
    assert not served.get("Content-Disposition", "").startswith("attachment")  # shown inline


@pytest.mark.parametrize(
    ("image_format", "extension"),
    [("PNG", "png"), ("JPEG", "jpg"), ("GIF", "gif"), ("WEBP", "webp")],
)
def test_each_allowed_format_keeps_the_extension_of_what_it_is(sc_login, image_format, extension):
    # The client's name and type say one thing, the pixels another: the pixels win.
    upload = SimpleUploadedFile("photo.svg", image_bytes(image_format), content_type="image/svg")
    response = sc_login().post(MEDIA, {"type": "image", "image": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert stored_name(Media.objects.get()).endswith(f".{extension}")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("x.png", SCRIPT),
        ("x.bmp", image_bytes("BMP")),  # a real image, but not an allowed format
        ("x.tiff", image_bytes("TIFF")),
        ("x.png", image_bytes("PNG")[:40]),  # truncated: the header decodes, the pixels not
    ],
)
def test_anything_but_a_whole_png_jpeg_gif_or_webp_is_refused(sc_login, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = sc_login().post(MEDIA, {"type": "image", "image": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["messages"][0]["code"] == "invalid_image"
    assert not Media.objects.exists()


def test_the_service_itself_refuses_a_non_image(db):
    owner = UserFactory()
    with pytest.raises(DomainError) as refused:
        services.media_create_image(
            owner=owner, image=SimpleUploadedFile("a.html", SCRIPT, content_type="image/png")
        )
    assert refused.value.code == "invalid_image"


def test_admin_upload_goes_through_the_same_check(media_root):
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(*Permission.objects.filter(codename__endswith="_media"))
    client = Client()
    client.force_login(manager)
    refused = client.post(
        "/admin/community/media/add/",
        {
            "owner": manager.pk,
            "type": "image",
            "order": 0,
            "image": SimpleUploadedFile("x.svg", b"<svg onload=alert(1)>"),
        },
    )
    assert refused.status_code == 200 and not Media.objects.exists()
    accepted = client.post(
        "/admin/community/media/add/",
        {
            "owner": manager.pk,
            "type": "image",
            "order": 0,
            "image": SimpleUploadedFile("x.html", polyglot(), content_type="text/html"),
        },
    )
    assert accepted.status_code == 302, accepted.context["adminform"].form.errors
    assert re.fullmatch(r"[0-9a-f]{32}\.png", stored_name(Media.objects.get()))


def test_a_file_already_stored_under_an_active_name_is_a_sandboxed_download(client, media_root):
    (media_root / "old").mkdir()
    (media_root / "old" / "p.html").write_bytes(polyglot())
    served = client.get("/media/old/p.html")
    assert served.status_code == 200
    assert served["Content-Disposition"] == "attachment"
    assert served["Content-Type"] == "application/octet-stream"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == SANDBOX


@pytest.mark.parametrize("name", ["x.svg", "x.js", "x.xhtml", "x.htm", "noextension"])
def test_other_active_types_are_downloads_too(client, media_root, name):
    (media_root / name).write_bytes(b"<svg onload=alert(1)>")
    served = client.get(f"/media/{name}")
    assert served["Content-Disposition"] == "attachment"
    assert served["Content-Security-Policy"] == SANDBOX


def test_a_missing_media_file_carries_the_same_headers(client):
    served = client.get("/media/nothing-here.png")
    assert served.status_code == 404
    assert served["Content-Security-Policy"] == SANDBOX
    assert served["X-Content-Type-Options"] == "nosniff"


def test_media_can_live_on_another_origin(settings, sc_login):
    settings.MEDIA_URL = "https://media.example-usercontent.com/"
    upload = SimpleUploadedFile("x.png", image_bytes("PNG"))
    response = sc_login().post(MEDIA, {"type": "image", "image": upload}, format="multipart")
    assert response.json()["image"].startswith("https://media.example-usercontent.com/community/")
