"""The benchmark data generator (bench/datagen.py) writes rows the application can use.

A small set, built once per test: its pages are live and render, its history and compare
screens work, search finds its pages, and its rows are what the application itself writes.
"""

from __future__ import annotations

import random
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from bench import datagen, importfiles, textgen
from conditions.models import Condition, Section, Status
from conditions.public import search
from medsite.markdown import render
from references.citations import CitationNumbering

pytestmark = pytest.mark.django_db

SIZES = datagen.Sizes(conditions=20, references=60, versions=120, seed=5)


@pytest.fixture
def built() -> dict:
    return datagen.build(SIZES, log=lambda message: None)


def test_builds_the_requested_set_as_reversion_would_store_it(built):
    assert built["conditions"] == built["live"] == 20
    assert built["sections"] == 20 * SIZES.sections
    assert built["references"] == 60
    assert built["condition_versions"] == 120
    # Every revision holds the condition with its sections and listed references.
    assert built["version_rows"] > 120 * (1 + SIZES.sections)
    assert Status.PUBLISHED in set(Condition.objects.values_list("status", flat=True))
    for condition in Condition.objects.all():
        latest = Version.objects.get_for_object(condition).first()
        assert latest.serialized_data == serializers.serialize("json", [condition])
        sections = {
            v.object_id: v.serialized_data
            for v in latest.revision.version_set.all()
            if v.content_type.model_class() is Section
        }
        assert sections == {str(s.pk): serializers.serialize("json", [s]) for s in condition.sections.all()}


def test_generated_pages_work_on_the_site_in_the_admin_and_in_search(client, built):
    for condition in Condition.objects.all():
        response = client.get(condition.get_absolute_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert f"<h1>{condition.name}</h1>" in page
        assert 'id="references"' in page
    for condition in Condition.objects.all()[:5]:
        assert search.search(condition.name).results[0].slug == condition.slug

    client.force_login(User.objects.get(username="bench-reviewer-2"))
    condition = Condition.objects.get(slug=built["heaviest_slug"])
    versions = list(Version.objects.get_for_object(condition).order_by("pk"))
    history = client.get(reverse("admin:conditions_condition_history", args=[condition.pk]))
    assert history.status_code == 200
    assert versions[0].revision.comment in history.content.decode()
    compare = client.get(
        reverse("admin:conditions_condition_compare", args=[condition.pk]),
        {"from": versions[0].pk, "to": versions[-1].pk},
    )
    assert compare.status_code == 200
    assert condition.name in compare.content.decode()
    assert client.get(reverse("review-dashboard")).status_code == 200


def test_fast_renderer_matches_the_real_one():
    maker = textgen.TextMaker(random.Random(3))
    for name, synonyms, part in maker.condition_names(4):
        page = maker.page(
            name, synonyms, part, ["a2020", "b2019", "c2018", "d2017", "e2016"], reviewed_on=date(2025, 1, 1)
        )
        for block in page.blocks:
            text = textgen.block_markdown(block)
            fast = datagen.fast_render(text, citations=CitationNumbering())
            assert str(fast) == str(render(text, citations=CitationNumbering()))


def test_generated_import_files_are_imported_as_pages(tmp_path, db):
    paths = importfiles.write_files(tmp_path, 3)
    call_command("import_condition", *map(str, paths), stdout=StringIO())
    kinds = [list(c.sections.values_list("kind", flat=True)) for c in Condition.objects.all()]
    assert len(kinds) == 3
    for page_kinds in kinds:
        assert page_kinds[:2] == ["overview", "symptoms"] and "treatment" in page_kinds
        assert "other" not in page_kinds  # the appeal after the references was dropped as chrome
