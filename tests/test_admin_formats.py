"""One date and time format across the admin, in the reader's time zone, with the zone named.

Renders the screens editors, reviewers and administrators use, with data that puts a date or a
time on each, and scans the text a reader sees (not attribute values: machine-readable
``<time datetime>`` keeps ISO 8601) for any other way of writing a date or a time.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions import workflow
from conditions.models import Publication, ReviewEvent
from medsite import audit
from medsite.accounts.models import Preferences
from tests.factories import CHECKED, make_condition, make_reference, publish

pytestmark = pytest.mark.django_db

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
LONG_MONTH = r"(?:January|February|March|April|June|July|August|September|October|November|December)"
OTHER_FORMATS = {
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "month first": re.compile(rf"\b{MONTH}[a-z]*\.? \d{{1,2}}, \d{{4}}"),
    "month in full": re.compile(rf"\b\d{{1,2}} {LONG_MONTH} \d{{4}}\b"),
    "a.m./p.m.": re.compile(r"\b\d{1,2}(?::\d{2})? ?[ap]\.m\."),
    "time without its zone": re.compile(r"\b\d{2}:\d{2}\b(?! [A-Z]{2,5}\b| [+-]\d{2})"),
}
ONE_FORMAT = re.compile(rf"\b\d{{1,2}} {MONTH} \d{{4}}, \d{{2}}:\d{{2}} (?:[A-Z]{{2,5}}|[+-]\d{{2,4}})\b")


def reader_text(html: str) -> str:
    """What a reader sees of a page: no scripts, styles or tags (and so no attribute values)."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def screens(editor, reviewer, reviewer2, superuser) -> list[tuple[str, str, object]]:
    """(name, address, who looks) for each screen, with a date or time to show on each."""
    for person, zone in ((editor, "Europe/Paris"), (reviewer, "America/New_York")):
        Preferences.objects.create(user=person, time_zone=zone)
    reference = make_reference("lee2019")
    live = make_condition(editor, "Live page", sections=[("overview", "Common [@lee2019].")])
    publish(live, editor=editor, reviewer=reviewer)
    make_condition(editor, "Live page", slug=live.slug, summary="A second version.")
    workflow.submit(live, by=editor, comment="Please look again.")
    scheduled = make_condition(editor, "Scheduled page")
    workflow.submit(scheduled, by=editor)
    workflow.approve(
        scheduled, by=reviewer2, attestation=CHECKED, go_live_at=timezone.now() + timedelta(days=3)
    )
    with reversion.create_revision():
        reversion.set_user(editor)
        reference.save()
    record = audit.record(audit.Action.EXPORT, actor=editor, target=live, format="bib")
    versions = Version.objects.get_for_object(live).order_by("pk")
    change = "admin:conditions_condition_change"
    return [
        ("dashboard", reverse("review-dashboard"), reviewer),
        ("condition list", reverse("admin:conditions_condition_changelist"), editor),
        ("edit page in review", reverse(change, args=[live.pk]), reviewer),
        ("scheduled page", reverse(change, args=[scheduled.pk]), reviewer),
        ("history", reverse("admin:conditions_condition_history", args=[live.pk]), editor),
        (
            "compare",
            reverse("admin:conditions_condition_compare", args=[live.pk])
            + f"?from={versions.first().pk}&to={versions.last().pk}",
            editor,
        ),
        ("review screen", reverse("admin:conditions_condition_review", args=[live.pk]), reviewer),
        ("publications", reverse("admin:conditions_publication_changelist"), editor),
        (
            "publication",
            reverse("admin:conditions_publication_change", args=[Publication.objects.first().pk]),
            editor,
        ),
        ("review log", reverse("admin:conditions_reviewevent_changelist"), editor),
        (
            "review log entry",
            reverse("admin:conditions_reviewevent_change", args=[ReviewEvent.objects.first().pk]),
            editor,
        ),
        ("reference", reverse("admin:references_reference_change", args=[reference.pk]), editor),
        ("reference history", reverse("admin:references_reference_history", args=[reference.pk]), editor),
        ("audit log", reverse("admin:audit_auditrecord_changelist"), superuser),
        ("audit record", reverse("admin:audit_auditrecord_change", args=[record.pk]), superuser),
        ("your preferences", reverse("preferences"), editor),
    ]


def test_admin_screens_write_dates_and_times_one_way(client, screens):
    found, shown = {}, {}
    for name, address, person in screens:
        client.force_login(person)
        response = client.get(address)
        assert response.status_code == 200, f"{name} ({address}) answered {response.status_code}"
        text = reader_text(response.content.decode())
        found[name] = [
            f"{kind}: {m.group(0)!r}" for kind, rx in OTHER_FORMATS.items() for m in rx.finditer(text)
        ]
        shown[name] = ONE_FORMAT.findall(text)
    assert not any(found.values()), "\n".join(
        f"{name}: {', '.join(bad)}" for name, bad in found.items() if bad
    )
    # Every screen showing a time shows it in the one format; most show one.
    assert sum(1 for times in shown.values() if times) >= 10, shown


def test_times_are_in_the_reader_s_zone(client, screens, editor, reviewer):
    client.force_login(reviewer)
    dashboard = reader_text(client.get(reverse("review-dashboard")).content.decode())
    assert re.search(r"\d{2}:\d{2} E[SD]T\b", dashboard), dashboard
    client.force_login(editor)
    history = reader_text(client.get(screens[4][1]).content.decode())
    assert re.search(r"\d{2}:\d{2} CES?T\b", history), history
