"""medsite/contentchecks/admin.py: editors keep the term list in the admin, and what they add is
marked in their pages at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medsite.contentchecks.models import PlainTerm

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_term_and_the_checks_mark_it(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:contentchecks_plainterm_add"),
        {"term": "Zygomycosis", "alternatives": "a rare fungal infection\nmould infection", "note": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("editor-content-checks"),
        {"field": "sections-0-body", "label": "Overview", "text": "Zygomycoses are rare."},
    )
    (term,) = response.json()["texts"]["sections-0-body"]["terms"]
    assert term["written"] == "Zygomycoses"
    assert term["alternatives"] == ["a rare fungal infection", "mould infection"]


def test_the_list_shows_each_term_with_its_alternatives(client, reviewer):
    PlainTerm.objects.get_or_create(term="hypertension", defaults={"alternatives": "high blood pressure"})
    client.force_login(reviewer)
    response = client.get(reverse("admin:contentchecks_plainterm_changelist"), {"q": "blood pressure"})
    assert response.status_code == 200
    assert "high blood pressure" in response.content.decode()


def test_a_duplicate_term_is_refused_with_a_message(client, editor):
    PlainTerm.objects.get_or_create(term="hypertension", defaults={"alternatives": "high blood pressure"})
    client.force_login(editor)
    response = client.post(
        reverse("admin:contentchecks_plainterm_add"),
        {"term": "HYPERTENSION", "alternatives": "raised blood pressure"},
    )
    assert response.status_code == 200
    assert "This term is in the list already." in response.content.decode()


def test_staff_without_a_role_cannot_see_the_list(client, django_user_model):
    staff = django_user_model.objects.create_user("stan", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:contentchecks_plainterm_changelist")).status_code == 403
