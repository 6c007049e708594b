"""Take the README's admin screenshots (`make screenshots`).

Builds a throw-away demo database, serves the portal on a free local port, logs in with
Debian's Chromium through Playwright and saves PNGs under docs/screenshots/.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


IMPORT_PREVIEW_FILE = {
    "name": "reasons.csv",
    "mimeType": "text/csv",
    "buffer": b"account,text,state,enabled,order\n"
    b"acme,Lunch,Away,no,1\n"
    b"acme,Coaching,Away,yes,3\n"
    b"acme,Team meeting,Occupied,yes,5\n",
}


def main():
    from playwright.sync_api import sync_playwright

    workdir = tempfile.mkdtemp(prefix="portal-shots-")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/demo.sqlite3",
        "DEBUG": "true",
        "HTTPS": "false",
        "ENV_FILE": "/dev/null",
        "SECRET_KEY": "screenshots-only",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "load_demo_data"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/admin/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(f"{base}/admin/login/")
            page.fill("#id_username", "admin")
            page.fill("#id_password", "admin")
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/")
            page.screenshot(path=str(OUT / "dashboard.png"))
            page.goto(f"{base}/admin/reasons/statusreason/?account__id__exact=acme")
            page.screenshot(path=str(OUT / "reasons-list.png"))
            page.click("a:text-is('Lunch')")
            page.wait_for_selector("#statusreason_form")
            page.screenshot(path=str(OUT / "reason-change-form.png"))
            # An import preview: a changed boolean and state, and a new reason.
            page.goto(f"{base}/admin/reasons/statusreason/import/")
            page.set_input_files("#id_import_file", files=[IMPORT_PREVIEW_FILE])
            page.select_option("#id_format", "0")
            page.click("form[enctype='multipart/form-data'] input[type=submit]")
            page.wait_for_selector("table.import-preview")
            page.screenshot(path=str(OUT / "import-preview.png"))
            # Confirm that import, and edit a reason by hand: changes for the change log.
            page.click("input[name=confirm]")
            page.wait_for_selector(".messagelist")
            page.goto(f"{base}/admin/reasons/statusreason/?account__id__exact=acme")
            page.click("a:text-is('Coaching')")
            page.fill("#id_text", "Coaching session")
            page.click("input[name=_save]")
            page.wait_for_selector(".messagelist")
            page.goto(f"{base}/admin/changelog/")
            page.screenshot(path=str(OUT / "changelog.png"))
            # A reason's History at a phone's width: one labelled card per version.
            page.goto(f"{base}/admin/reasons/statusreason/?account__id__exact=acme")
            page.click("a:text-is('Lunch')")
            page.click("a.historylink")
            page.wait_for_selector("#change-history")
            page.set_viewport_size({"width": 375, "height": 760})
            page.screenshot(path=str(OUT / "history-375px.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Screenshots saved in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
