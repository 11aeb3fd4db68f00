from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.template import Context, Template
from django.utils import timezone

from medsite.accounts.display import day, display_name, when

MOMENT = datetime(2026, 12, 7, 13, 5, tzinfo=UTC)


@pytest.mark.django_db
def test_a_reviewer_is_named_with_credentials_anyone_else_by_name_then_username(reviewer, editor):
    assert display_name(reviewer) == "Rita Reviewer, MD"
    assert display_name(editor) == "Edna Editor"
    assert display_name(User.objects.create_user("nameless")) == "nameless"
    assert display_name(None) == ""
    assert display_name(AnonymousUser()) == ""


@pytest.mark.django_db
def test_templates_name_people_the_same_way(reviewer):
    template = Template("{% load people %}{{ person|display_name }}")
    assert template.render(Context({"person": reviewer})) == "Rita Reviewer, MD"


def test_a_moment_is_shown_in_the_reader_zone_with_the_zone_named():
    assert when(MOMENT, ZoneInfo("Europe/Paris")) == "7 Dec 2026, 14:05 CET"
    with timezone.override(ZoneInfo("America/New_York")):
        assert when(MOMENT) == "7 Dec 2026, 08:05 EST"
    with timezone.override(ZoneInfo("UTC")):
        assert when(MOMENT) == "7 Dec 2026, 13:05 UTC"


def test_a_day_is_shown_as_the_reader_s_day():
    assert day(date(2026, 12, 7)) == "7 Dec 2026"
    late = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    assert day(late, ZoneInfo("Asia/Tokyo")) == "8 Dec 2026"


def test_django_s_named_formats_are_the_same_format():
    """The admin's own screens (lists, read-only fields) and ``|date:"DATETIME_FORMAT"`` agree."""
    rendered = Template('{{ moment }} | {{ moment|date:"DATETIME_FORMAT" }} | {{ moment|date }}')
    with timezone.override(ZoneInfo("Europe/Paris")):
        assert (
            rendered.render(Context({"moment": MOMENT}))
            == "7 Dec 2026, 14:05 CET | 7 Dec 2026, 14:05 CET | 7 Dec 2026"
        )
