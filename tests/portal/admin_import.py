"""Drive django-import-export's two-step admin import (preview, then confirm)."""

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
FORMATS = {"csv": "0", "json": "1"}  # order of IMPORT_EXPORT_FORMATS


def preview(client, admin_path, name, content, fmt):
    """Upload a file; return the preview response (a dry run, nothing written)."""
    upload = SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)
    return client.post(
        f"{admin_path}import/", {"import_file": upload, "format": FORMATS[fmt], "resource": "0"}
    )


def confirm(client, admin_path, preview_response):
    """Confirm a previewed import with the hidden fields the preview page carries."""
    html = preview_response.content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert "import_file_name" in hidden, "the preview offers no confirmation"
    return client.post(f"{admin_path}process_import/", hidden, follow=True)


def import_file(client, admin_path, example, fmt=None):
    """Preview and confirm one of docs/examples/."""
    path = EXAMPLES / example
    response = preview(client, admin_path, path.name, path.read_bytes(), fmt or path.suffix[1:])
    assert response.status_code == 200
    return confirm(client, admin_path, response)
