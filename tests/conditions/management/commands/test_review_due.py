from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conditions import workflow
from conditions.models import Condition
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db


def _live(name: str, due_in_days: int, *, editor, reviewer) -> Condition:
    condition = make_condition(editor, name)
    publish(condition, editor=editor, reviewer=reviewer)
    Condition.objects.filter(pk=condition.pk).update(
        next_review_due=timezone.localdate() + timedelta(due_in_days)
    )
    return condition


def _run(*args: str) -> str:
    out = StringIO()
    call_command("review_due", *args, stdout=out)
    return out.getvalue()


def test_nothing_due_says_so_and_succeeds(editor, reviewer):
    _live("Gout", 90, editor=editor, reviewer=reviewer)
    assert _run() == "No condition pages are due for review in the next 30 days.\n"


def test_overdue_pages_are_listed_first_then_the_command_fails(editor, reviewer, reviewer2):
    _live("Acne", 12, editor=editor, reviewer=reviewer)
    _live("Bunions", -40, editor=editor, reviewer=reviewer2)
    _live("Cystitis", -1, editor=editor, reviewer=reviewer)
    _live("Dandruff", 45, editor=editor, reviewer=reviewer)
    today = timezone.localdate()
    out = StringIO()

    with pytest.raises(CommandError, match="2 condition pages are overdue for clinical review"):
        call_command("review_due", stdout=out)

    assert out.getvalue().splitlines() == [
        "Overdue for review (2):",
        f"  Bunions: due {today - timedelta(40):%Y-%m-%d} (40 days overdue); "
        "last reviewed by Ravi Reviewer, MBBS",
        f"  Cystitis: due {today - timedelta(1):%Y-%m-%d} (1 day overdue); "
        "last reviewed by Rita Reviewer, MD",
        "Due for review within 30 days (1):",
        f"  Acne: due {today + timedelta(12):%Y-%m-%d} (due in 12 days); last reviewed by Rita Reviewer, MD",
    ]


def test_pages_due_soon_but_none_overdue_succeed(editor, reviewer):
    _live("Gout", 0, editor=editor, reviewer=reviewer)
    out = _run()
    assert "Gout" in out
    assert "(due today)" in out


def test_days_option_sets_how_far_ahead_to_look(editor, reviewer):
    _live("Acne", 5, editor=editor, reviewer=reviewer)
    _live("Bunions", 50, editor=editor, reviewer=reviewer)
    assert "Bunions" not in _run()
    assert "Bunions" in _run("--days", "60")
    assert _run("--days", "4") == "No condition pages are due for review in the next 4 days.\n"


def test_pages_not_on_the_public_site_are_not_listed(editor, reviewer):
    condition = _live("Gout", -10, editor=editor, reviewer=reviewer)
    workflow.unpublish(condition, by=reviewer, reason="Superseded by a combined page.")
    draft = make_condition(editor, "Acne")
    Condition.objects.filter(pk=draft.pk).update(next_review_due=timezone.localdate())
    assert _run() == "No condition pages are due for review in the next 30 days.\n"


@pytest.mark.parametrize("days", ["-1", "soon", "1.5"])
def test_days_must_be_a_whole_number_not_below_zero(days):
    with pytest.raises(CommandError, match="expected a whole number of days"):
        call_command("review_due", "--days", days)
