"""Every HTML page carries a Content-Security-Policy, a Permissions-Policy and a Referrer-Policy."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/api/docs/", "/api/redoc/"])
def test_html_pages_carry_the_policies(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/api/docs/", "/api/redoc/"])
def test_pages_have_no_inline_scripts_for_the_policy_to_block(client, path):
    html = client.get(path).content.decode()
    inline = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert inline == [], inline


def test_swagger_ui_start_up_script_is_a_file_of_its_own(client):
    html = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', html).group(1)
    response = client.get(script.replace("&amp;", "&"))
    assert response.status_code == 200 and b"SwaggerUIBundle" in response.content


def test_uploaded_media_keep_their_own_stricter_policy(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "a.png").write_bytes(b"x")
    assert client.get("/media/a.png")["Content-Security-Policy"] == "default-src 'none'; sandbox"
