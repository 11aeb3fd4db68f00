"""Comparing two versions, and the review screen, in the editor admin (conditions/admin/review.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import reversion
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions import workflow
from conditions.models import Condition
from images import renditions
from medsite.contentchecks.models import PlainTerm
from tests.conditions.admin.test_conditions import _change_url, _form_data
from tests.factories import make_condition, make_image, make_reference, publish

pytestmark = pytest.mark.django_db


# --- the admin screens ---------------------------------------------------------------------------


def _history_url(condition):
    return reverse("admin:conditions_condition_history", args=[condition.pk])


def _compare_url(condition, old, new):
    return reverse("admin:conditions_condition_compare", args=[condition.pk]) + f"?from={old.pk}&to={new.pk}"


def _review_url(condition):
    return reverse("admin:conditions_condition_review", args=[condition.pk])


def _versions(condition):
    return list(Version.objects.get_for_object(condition).order_by("pk"))


def _edit_overview(client, condition, body):
    sections = [
        (s.pk, s.kind, body if s.kind == "overview" else s.body, s.position) for s in condition.sections.all()
    ]
    response = client.post(_change_url(condition), _form_data(condition, sections=sections))
    assert response.status_code == 302, response.content.decode()[:2000]
    condition.refresh_from_db()


def test_history_page_offers_version_comparison(client, editor):
    condition = make_condition(editor, sections=[("overview", "Gout is a kind of arthritis.")])
    client.force_login(editor)
    _edit_overview(client, condition, "Gout is a common kind of arthritis.")
    page = client.get(_history_url(condition)).content.decode()
    first, second = _versions(condition)
    assert "Compare selected versions" in page
    assert f'name="from" value="{first.pk}" id="compare-from-{first.pk}" checked' in page
    assert f'name="to" value="{second.pk}" id="compare-to-{second.pk}" checked' in page
    assert reverse("admin:conditions_condition_compare", args=[condition.pk]) in page


def test_compare_versions_after_admin_edit_shows_word_changes(client, editor):
    condition = make_condition(
        editor,
        sections=[("overview", "Gout is a kind of arthritis."), ("symptoms", "- Pain\n- Redness")],
    )
    client.force_login(editor)
    _edit_overview(client, condition, "Gout is a common kind of **inflammatory** arthritis.")
    first, second = _versions(condition)
    response = client.get(_compare_url(condition, first, second))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Compare versions of “Example syndrome”" in page
    assert '<ins><span class="visually-hidden">added: </span>common</ins>' in page
    assert "inflammatory" in page and "**" not in page
    assert "Sections: 1 changed." in page
    assert "• Pain" in page  # the unchanged section, as a reader sees it


def test_compare_picked_in_either_order_reads_old_to_new(client, editor):
    condition = make_condition(editor, sections=[("overview", "Old wording.")])
    client.force_login(editor)
    _edit_overview(client, condition, "New wording.")
    first, second = _versions(condition)
    page = client.get(_compare_url(condition, second, first)).content.decode()
    assert '<del><span class="visually-hidden">removed: </span>Old</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>New</ins>' in page


def test_compare_refuses_a_version_of_another_condition(client, editor):
    condition = make_condition(editor, name="Gout")
    other = make_condition(editor, name="Asthma")
    client.force_login(editor)
    (own,) = _versions(condition)
    (foreign,) = _versions(other)
    assert client.get(_compare_url(condition, own, foreign)).status_code == 404
    url = reverse("admin:conditions_condition_compare", args=[condition.pk]) + f"?from={own.pk}&to=999999"
    assert client.get(url).status_code == 404


def test_compare_without_two_versions_goes_back_to_history(client, editor):
    condition = make_condition(editor)
    client.force_login(editor)
    response = client.get(reverse("admin:conditions_condition_compare", args=[condition.pk]) + "?from=x")
    assert response.status_code == 302
    assert response["Location"] == _history_url(condition)


def test_review_screen_shows_edit_against_the_public_version(client, editor, reviewer):
    make_reference("lee2019", title="Shin pain in runners")
    condition = make_condition(editor, sections=[("overview", "Gout causes sudden joint pain.")])
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    client.force_login(editor)
    _edit_overview(client, condition, "Gout causes sudden, severe joint pain [@lee2019].")
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    change_page = client.get(_change_url(condition)).content.decode()
    assert _review_url(condition) in change_page
    page = client.get(_review_url(condition)).content.decode()
    assert "Review changes to “Example syndrome”" in page
    assert "In expert review" in page
    assert "The public sees version 1" in page
    assert "Your decision" in page and "Approve and publish" in page and "Request changes" in page
    assert 'sudden<ins><span class="visually-hidden">added: </span>, severe</ins> joint' in page
    assert '<ins><span class="visually-hidden">added: </span>[lee2019]</ins>.' in page
    assert "Shin pain in runners" in page  # the newly cited reference, listed as added
    assert "References: 1 added." in page


def test_review_screen_before_first_publication_shows_everything_as_new(client, editor):
    condition = make_condition(editor, sections=[("overview", "Gout causes joint pain.")])
    client.force_login(editor)
    page = client.get(_review_url(condition)).content.decode()
    assert "First publication: everything is new." in page
    assert '<ins><span class="visually-hidden">added: </span>Gout causes joint pain.</ins>' in page


def test_review_screen_of_a_page_taken_offline_says_so(client, editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    workflow.unpublish(condition, by=reviewer, reason="Outdated advice")
    client.force_login(reviewer)
    # The reviewer approved the version taken offline: first, what changed since (nothing).
    page = client.get(_review_url(condition)).content.decode()
    assert "Not on the public site: the page was taken offline." in page
    assert "Changes since your last review." in page and "No differences." in page
    page = client.get(_review_url(condition) + "?against=live").content.decode()
    assert "Not on the public site: everything is new." in page
    assert "First publication" not in page


@pytest.mark.parametrize("screen", ["review", "compare"])
def test_comparison_screens_need_a_role(client, editor, stranger, screen):
    condition = make_condition(editor)
    (version,) = _versions(condition)
    url = _review_url(condition) if screen == "review" else _compare_url(condition, version, version)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(stranger)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    no_role = User.objects.create_user("staffer", is_staff=True)
    client.force_login(no_role)
    assert client.get(url).status_code == 403


def test_reviewer_can_compare_versions(client, editor, reviewer2):
    condition = make_condition(editor)
    (version,) = _versions(condition)
    client.force_login(reviewer2)
    response = client.get(_compare_url(condition, version, version))
    assert response.status_code == 200
    assert "No differences." in response.content.decode()


# --- deciding where you read -----------------------------------------------------------------------


def _sent_back(editor, reviewer, reviewer2) -> Condition:
    """Live (approved by ``reviewer2``), edited in its overview, sent back by ``reviewer``, then
    edited in its symptoms and submitted again."""
    condition = make_condition(
        editor, sections=[("overview", "Gout causes joint pain."), ("symptoms", "A hot, swollen toe.")]
    )
    publish(condition, editor=editor, reviewer=reviewer2)
    sections = [("overview", "Gout causes sudden joint pain."), ("symptoms", "A hot, swollen toe.")]
    make_condition(editor, slug=condition.slug, sections=sections)
    workflow.submit(condition, by=editor)
    workflow.request_changes(condition, by=reviewer, comment="Describe the redness.")
    sections[1] = ("symptoms", "A hot, red, swollen toe.")
    make_condition(editor, slug=condition.slug, sections=sections)
    workflow.submit(condition, by=editor)
    return condition


def _section(page: str, heading: str) -> str:
    start = page.index(f">{heading}</h3>")
    return page[start : page.index("</article>", start)]


def test_a_page_back_in_review_shows_the_changes_since_the_reviewers_last_look(
    client, editor, reviewer, reviewer2
):
    condition = _sent_back(editor, reviewer, reviewer2)
    client.force_login(reviewer)
    page = client.get(_review_url(condition)).content.decode()
    assert "Changes since your last review." in page and "Your comment: “Describe the redness.”" in page
    assert "From the version you sent back on" in page
    assert '<ins><span class="visually-hidden">added: </span>, red</ins>' in _section(page, "Symptoms")
    # Changed against the public page, but not since this reviewer read it.
    overview = _section(page, "Overview")
    assert "No changes." in overview and "<ins>" not in overview
    assert f'href="{_review_url(condition)}?against=live">Compare with the public version instead' in page


def test_the_comparison_with_the_public_version_is_one_click_away(client, editor, reviewer, reviewer2):
    condition = _sent_back(editor, reviewer, reviewer2)
    client.force_login(reviewer)
    page = client.get(_review_url(condition) + "?against=live").content.decode()
    assert "From the public version 1" in page and "Changes since your last review." not in page
    assert '<ins><span class="visually-hidden">added: </span>sudden</ins>' in _section(page, "Overview")
    assert f'href="{_review_url(condition)}">Show only the changes since your last review' in page


def test_another_reviewer_and_the_approver_of_the_public_version_compare_with_it(
    client, editor, reviewer, reviewer2
):
    condition = _sent_back(editor, reviewer, reviewer2)
    for person in (reviewer2, editor):  # approved the live version; never decided
        client.force_login(person)
        page = client.get(_review_url(condition)).content.decode()
        assert "From the public version 1" in page and "since your last review" not in page


def test_the_review_screen_says_why_a_decision_is_not_yours(client, editor, reviewer):
    condition = make_condition(reviewer)
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    page = client.get(_review_url(condition)).content.decode()
    assert "another medical reviewer must approve it" in page and "Approve and publish</button>" not in page
    client.force_login(editor)
    page = client.get(_review_url(condition)).content.decode()
    assert "Only medical reviewers can approve pages for publication." in page
    assert "Withdraw from review</button>" in page


def test_the_review_screen_of_a_draft_has_nothing_to_decide(client, editor):
    condition = make_condition(editor)
    client.force_login(editor)
    page = client.get(_review_url(condition)).content.decode()
    assert "Nothing to decide now: “Example syndrome” is not in expert review (draft)." in page


def test_a_scheduled_go_live_is_shown_and_cancelled_on_the_review_screen(client, editor, reviewer, settings):
    settings.TIME_ZONE = "Europe/Paris"
    condition = make_condition(editor)
    year = timezone.now().year + 2
    publish(condition, editor=editor, reviewer=reviewer, go_live_at=datetime(year, 6, 1, 7, 30, tzinfo=UTC))
    client.force_login(reviewer)
    page = client.get(_review_url(condition)).content.decode()
    intro = page[page.index("medsite-review-intro") : page.index("Summary of changes")]
    assert f"Version 1 is approved and goes live on 1 Jun {year}, 09:30 CEST (Europe/Paris)." in intro
    cancel = reverse("admin:conditions_condition_workflow", args=[condition.pk, "cancel_schedule"])
    assert f'action="{cancel}"' in intro and "Cancel the scheduled publication</button>" in intro


# --- query counts --------------------------------------------------------------------------------


def _page_with(editor, reviewer, size: int) -> Condition:
    """A published page of ``size`` sections citing ``size`` references, then edited everywhere."""
    keys = [make_reference().key for _ in range(size)]
    slug = f"page-{size}"

    def sections(word):
        return [("overview", f"{word} overview [@{keys[0]}].")] + [
            ("other", f"{word} section {n} [@{key}].") for n, key in enumerate(keys[1:], start=1)
        ]

    condition = make_condition(editor, slug=slug, sections=sections("First"))
    publish(condition, editor=editor, reviewer=reviewer)
    condition = make_condition(editor, slug=slug, sections=sections("Second"))
    workflow.submit(condition, by=editor)
    return condition


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_compare_view_queries_do_not_grow_with_the_page(client, editor, reviewer):
    small, large = _page_with(editor, reviewer, 3), _page_with(editor, reviewer, 20)
    client.force_login(editor)
    urls = [_compare_url(c, _versions(c)[0], _versions(c)[-1]) for c in (small, large)]
    client.get(urls[0])  # warm the content-type cache, shared by every later request
    # Session, user, the condition, user and group permissions, the two versions (with their
    # revisions and users), every version in those two revisions, the references of both.
    assert _count(client, urls[0]) == _count(client, urls[1]) == 8


def test_review_view_queries_do_not_grow_with_the_page(client, editor, reviewer):
    small, large = _page_with(editor, reviewer, 3), _page_with(editor, reviewer, 20)
    client.force_login(reviewer)
    urls = [_review_url(small), _review_url(large)]
    client.get(urls[0])  # warm the content-type cache, as above
    # Session, user, the condition (with its last editor), user and group permissions, sections,
    # short answers (both prefetched for the snapshot and the publish gate), the live publication,
    # the listed reference ids, the references, the publish gate's cited and listed references,
    # the submission in review (with its submitter, shared by the approval predicate, the
    # decision forms and the "you are reading" line) and its recorded contributors, whether
    # an earlier clinical review allows an editorial approval, whether any reference's work was
    # retracted (the approval checklist then asks about it), and the reviewer's last decision
    # (the approval of the public version, so the comparison is with that).
    assert _count(client, urls[0]) == _count(client, urls[1]) == 17


def _sent_back_and_resubmitted(editor, reviewer, reviewer2, size: int) -> Condition:
    """As :func:`_page_with`, published by ``reviewer2``; ``reviewer`` sends the edit back and the
    editor changes every section again and resubmits."""
    condition = _page_with(editor, reviewer2, size)
    workflow.request_changes(condition, by=reviewer, comment="Say more.")
    sections = [(s.kind, s.body.replace("Second", "Third")) for s in condition.sections.order_by("position")]
    make_condition(editor, slug=condition.slug, sections=sections)
    workflow.submit(condition, by=editor)
    return condition


def test_review_view_queries_since_the_last_review_do_not_grow_with_the_page(
    client, editor, reviewer, reviewer2
):
    small = _sent_back_and_resubmitted(editor, reviewer, reviewer2, 3)
    large = _sent_back_and_resubmitted(editor, reviewer, reviewer2, 20)
    client.force_login(reviewer)
    urls = [_review_url(small), _review_url(large)]
    client.get(urls[0])  # warm the content-type cache, as above
    assert "Changes since your last review." in client.get(urls[1]).content.decode()
    # As above, and for the version the reviewer sent back: that version (with its revision and
    # who saved it), every version in its revision, and the references it shows.
    assert _count(client, urls[0]) == _count(client, urls[1]) == 20
    # Against the public version: the reviewer's last decision only, as above.
    live = [f"{url}?against=live" for url in urls]
    assert _count(client, live[0]) == _count(client, live[1]) == 17


def test_review_screen_shows_the_content_checks_of_the_version_in_review(client, editor, reviewer):
    PlainTerm.objects.get_or_create(term="hypertension", defaults={"alternatives": "high blood pressure"})
    long = "Blood pressure that stays high for years " + "slowly harms the heart and kidneys " * 4 + "too."
    condition = make_condition(
        editor,
        sections=[("overview", f"Hypertension is common. {long}")],
        short_answers=[("Is it serious?", "It can be.", "")],
    )
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    page = client.get(_review_url(condition)).content.decode()
    panel = page[page.index('id="medsite-content-checks"') :]
    assert "Nothing here stops a page from being submitted, approved or published." in panel
    assert "<mark>Hypertension</mark> → high blood pressure" in panel
    assert "(32 words)" in panel
    assert "Is it serious? (answer)" in panel
    assert "content-checks.js" not in page  # computed by the server: no script, no live requests


def test_review_screen_shows_the_reviewer_what_search_engines_will_read(client, editor, reviewer):
    make_reference("lund2022", title="Uric acid and the kidney")
    condition = make_condition(
        editor,
        name="Gout",
        sections=[
            ("overview", "A kind of arthritis."),
            (
                "causes",
                "Causes include:\n\n- Kidneys that clear too little uric acid [@lund2022]\n\n"
                "Flares can be set off by:\n\n- Drinking alcohol",
            ),
        ],
    )
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    page = client.get(_review_url(condition)).content.decode()
    panel = page[page.index('id="medsite-search-facts"') :]
    panel = panel[: panel.index("</section>")]
    assert "What search engines will read" in panel
    assert "<li>Kidneys that clear too little uric acid</li>" in panel
    assert "Left out: the list after “Flares can be set off by:” (Drinking alcohol)" in panel


# --- images ------------------------------------------------------------------------------------

FIGURE = "Gout causes joint pain.\n\n![](image:swollen-toe)"


def _thumbnail(image) -> str:
    return renditions.url(
        renditions.renditions(image.sha256, image.format, image.width, image.height)[0].name
    )


def test_the_review_screen_shows_each_submitted_image_for_the_reviewer_to_read(client, editor, reviewer):
    image = make_image(
        "swollen-toe",
        alt="A red, swollen big toe",
        caption="An attack often starts at night.",
        credit="Jane Doe / Example Clinic",
        licence="cc-by-sa-4.0",
    )
    condition = make_condition(editor, sections=[("overview", FIGURE)])
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    page = client.get(_review_url(condition)).content.decode()
    images = page[page.index('<h2 id="compare-images">') :]
    assert "Image “swollen-toe”" in images and "Added." in images
    assert f'<img src="{_thumbnail(image)}" width="160" height="120"' in images
    for text in ("A red, swollen big toe", "An attack often starts at night.", "Jane Doe / Example Clinic"):
        assert text in images
    assert "CC BY-SA 4.0" in images
    assert "Images: 1 added." in page


def test_the_review_screen_shows_an_image_changed_since_the_public_version(client, editor, reviewer):
    image = make_image("swollen-toe", alt="A swollen toe")
    old_thumbnail = _thumbnail(image)
    condition = make_condition(editor, sections=[("overview", FIGURE)])
    publish(condition, editor=editor, reviewer=reviewer)
    with reversion.create_revision():  # the library's form: a new file and a better description
        reversion.set_user(editor)
        image.sha256, image.width, image.height = "d" * 64, 1200, 800
        image.alt = "A red, swollen big toe"
        image.save()
    client.force_login(editor)
    condition.refresh_from_db()
    _edit_overview(client, condition, FIGURE.replace("joint pain.", "joint pain (flares)."))
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    page = client.get(_review_url(condition)).content.decode()
    assert "Images: 1 changed." in page
    images = page[page.index('<h2 id="compare-images">') :]
    assert "Changed. Changed: alt text, file." in images
    assert f'<img src="{old_thumbnail}"' in images and "<figcaption>Before</figcaption>" in images
    assert f'<img src="{_thumbnail(image)}"' in images and "<figcaption>After</figcaption>" in images
    assert '<ins><span class="visually-hidden">added: </span>red,</ins> swollen' in images


def test_comparing_versions_shows_an_image_added(client, editor):
    make_image("swollen-toe")
    condition = make_condition(editor, sections=[("overview", "Gout causes joint pain.")])
    client.force_login(editor)
    _edit_overview(client, condition, FIGURE)
    first, second = _versions(condition)
    page = client.get(_compare_url(condition, first, second)).content.decode()
    assert "Images: 1 added." in page and "Image “swollen-toe”" in page


def _page_with_images(editor, reviewer, count: int) -> Condition:
    """A published page showing ``count`` images, then edited and submitted."""
    images = [make_image() for _ in range(count)]
    slug = f"images-{count}"
    body = "\n\n".join(f"![](image:{image.key})" for image in images)
    condition = make_condition(editor, slug=slug, sections=[("overview", f"First.\n\n{body}")])
    publish(condition, editor=editor, reviewer=reviewer)
    condition = make_condition(editor, slug=slug, sections=[("overview", f"Second.\n\n{body}")])
    workflow.submit(condition, by=editor)
    return condition


def test_review_view_queries_do_not_grow_with_the_images(client, editor, reviewer):
    small, large = _page_with_images(editor, reviewer, 1), _page_with_images(editor, reviewer, 8)
    client.force_login(reviewer)
    urls = [_review_url(small), _review_url(large)]
    client.get(urls[0])  # warm the content-type cache, as above
    # As for the page above, less its two reads of cited references (this page cites none: the
    # references, the publish gate's cited ones), plus the images the working copy shows, read
    # once for the comparison and once for the publish gate.
    assert _count(client, urls[0]) == _count(client, urls[1]) == 17 - 2 + 2
