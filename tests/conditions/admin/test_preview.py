"""The editor's live preview endpoints (conditions/admin/preview.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_reference

pytestmark = pytest.mark.django_db


class TestEditorEndpoints:
    url = "/editor/markdownify/"

    def test_anonymous_never_gets_a_render(self, client):
        response = client.post(self.url, {"content": "**bold**"})
        assert response.status_code == 302
        assert "<strong>" not in response.content.decode()

    def test_user_without_role_is_refused(self, client, stranger):
        client.force_login(stranger)
        assert client.post(self.url, {"content": "**bold**"}).status_code == 403

    def test_editor_gets_numbered_preview_with_unknown_keys_flagged(self, client, editor):
        make_reference("smith2020")
        client.force_login(editor)
        response = client.post(self.url, {"content": "A [@smith2020] B [@nope] <script>x</script>"})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'href="#ref-1"' in html
        assert 'class="citation-unknown"' in html
        assert "<script>" not in html

    def test_get_is_not_allowed(self, client, editor):
        client.force_login(editor)
        assert client.get(self.url).status_code == 405

    def test_csrf_is_enforced(self, editor):
        from django.test import Client

        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(editor)
        assert csrf_client.post(self.url, {"content": "x"}).status_code == 403

    def test_uploads_are_refused(self, client, editor):
        assert client.post("/editor/upload/").status_code == 302
        client.force_login(editor)
        response = client.post("/editor/upload/")
        assert response.status_code == 400
        assert "Images can't be added to pages yet" in response.json()["image"][0]

    def test_an_uploaded_image_is_refused_and_never_stored(self, client, editor, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(editor)
        image = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
        response = client.post("/editor/upload/", {"image": image})
        assert response.status_code == 400
        assert "image_code" not in response.json()
        assert list(tmp_path.iterdir()) == []

    def test_markdownx_own_upload_address_is_not_served(self, client, editor):
        client.force_login(editor)
        assert client.post("/markdownx/upload/").status_code == 404
