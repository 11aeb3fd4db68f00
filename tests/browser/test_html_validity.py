"""The Nu HTML Checker (vnu, the W3C validator's engine) finds no errors on any public page."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.text import slugify

from .conftest import DemoSite
from .pages import public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_public_pages_are_valid_html(client: Client, demo_site: DemoSite, tmp_path: Path):
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: `make test` installs it (npm ci)"
    java = shutil.which("java")
    assert java, "java is missing: `make test` installs it (openjdk-17-jre-headless)"
    files = {}
    for name, path, status in public_pages(demo_site):
        response = client.get(path)
        assert response.status_code == status, f"{name} ({path}) answered {response.status_code}"
        file = tmp_path / f"{slugify(name)}.html"
        file.write_bytes(response.content)
        files[file.name] = f"{name} ({path})"
    # The demo's illustrations: pages with a responsive figure are among those checked.
    figures = [
        name for name in files if b'<figure class="figure"><picture>' in (tmp_path / name).read_bytes()
    ]
    assert figures, "no public page shows a figure"

    # One call for every page: most of vnu's time is the JVM starting.
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--stdout",
            "--errors-only",
            *(str(tmp_path / name) for name in files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    assert messages == [], "\n".join(
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}"
        f" line {m.get('lastLine')}: {m['message']}\n    {' '.join(m.get('extract', '').split())}"
        for m in messages
    )
