"""A stale save: the conflict at the top of the edit page, word by word, and keeping one's text on
the newer version without losing anybody's."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from reversion.models import Version

from conditions import workflow
from conditions.admin.conflicts import CARRY_OVER
from conditions.models import Condition
from tests.factories import make_condition

pytestmark = pytest.mark.django_db


def _url(condition):
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def _form(condition, *, sections=None, answers=(), **fields):
    """The edit form as the browser posts it, opened at the page's current lock.

    ``sections`` are (id or None, kind, body, position), by default the page's own.
    """
    if sections is None:
        sections = [(s.pk, s.kind, s.body, s.position) for s in condition.sections.all()]
    data = {
        "name": condition.name,
        "slug": condition.slug,
        "also_called": condition.also_called,
        "summary": condition.summary,
        "review_interval_months": condition.review_interval_months,
        "source_updated_on": "",
        "lock_version_seen": condition.lock_version,
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": sum(1 for s in sections if s[0]),
        "short_answers-TOTAL_FORMS": len(answers),
        "short_answers-INITIAL_FORMS": sum(1 for a in answers if a[0]),
        "condition_references-TOTAL_FORMS": 0,
        "condition_references-INITIAL_FORMS": 0,
    }
    for n, (pk, kind, body, position) in enumerate(sections):
        data |= {
            f"sections-{n}-id": pk or "",
            f"sections-{n}-condition": condition.pk,
            f"sections-{n}-kind": kind,
            f"sections-{n}-heading": "",
            f"sections-{n}-body": body,
            f"sections-{n}-position": position,
        }
    for n, (pk, question, answer, position) in enumerate(answers):
        data |= {
            f"short_answers-{n}-id": pk or "",
            f"short_answers-{n}-condition": condition.pk,
            f"short_answers-{n}-question": question,
            f"short_answers-{n}-answer": answer,
            f"short_answers-{n}-details": "",
            f"short_answers-{n}-position": position,
            f"short_answers-{n}-source_updated_on": "",
        }
    return data | fields


def _sections(condition):
    return [(s.pk, s.kind, s.body, s.position) for s in condition.sections.all()]


@pytest.fixture
def page(editor):
    return make_condition(
        editor,
        "Gout",
        summary="Gout is a painful swelling of a joint.",
        sections=[
            ("overview", "Gout causes sudden attacks of pain in a joint."),
            ("symptoms", "The big toe becomes hot and swollen."),
            ("causes", "Too much uric acid in the blood."),
        ],
    )


def _first_saves(client, page, user, **changes):
    client.force_login(user)
    response = client.post(_url(page), _form(page, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


def _stale(client, user, data, condition, **extra):
    client.force_login(user)
    response = client.post(_url(condition), data | extra)
    assert response.status_code == 200
    return response.content.decode()


def _value(page_html: str, name: str) -> str:
    """A field's value in the rendered form (textareas and inputs)."""
    area = re.search(rf'<textarea name="{re.escape(name)}"[^>]*>\n?(.*?)</textarea>', page_html, re.S)
    if area:
        return area.group(1)
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page_html)
    assert found, f"no field {name}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def test_conflict_is_at_the_top_and_names_who_saved_and_when(client, page, editor, reviewer):
    opened = _form(page, summary="Gout is a painful, swollen joint.")
    _first_saves(client, page, reviewer, summary="Gout is a sudden, painful swelling of a joint.")
    html = _stale(client, editor, opened, page)
    conflict = html.index('id="medsite-conflict"')
    assert conflict < html.index('id="workflow-heading"') < html.index('id="condition_form"')
    top = html[conflict : html.index("</section>", conflict)]
    assert 'role="alert"' in top and 'tabindex="-1"' in top
    saved_at = Version.objects.get_for_object(page).first().revision.date_created  # newest first
    assert f'Rita Reviewer, MD saved this page on <time datetime="{saved_at.isoformat()}">' in top
    assert "Nothing you typed is lost" in top
    assert "Keep my text on the newer version" in top
    # Further down, the form's own message names them too, as people are named everywhere.
    assert "Rita Reviewer, MD saved this page after you opened it" in html
    assert "rita saved" not in html


def test_conflict_shows_their_change_and_yours_word_by_word(client, page, editor, editor2):
    opened = _form(page, summary="Gout is a painful, swollen joint.")
    _first_saves(client, page, editor, summary="Gout is a sudden, painful swelling of a joint.")
    html = _stale(client, editor2, opened, page)
    top = html[html.index('id="medsite-conflict"') : html.index('id="workflow-heading"')]
    assert "<h4" in top and "The page&#x27;s details" in top
    assert "<dt>Summary</dt>" in top
    # Theirs against the version both started from; then yours against it.
    theirs, yours = top.split('<p class="medsite-conflict-side">Edna Editor</p>')[1].split(
        '<p class="medsite-conflict-side">You</p>'
    )
    assert '<ins><span class="visually-hidden">added: </span>sudden,</ins>' in theirs
    assert '<del><span class="visually-hidden">removed: </span>swelling of a</del>' in yours
    assert '<ins><span class="visually-hidden">added: </span>, swollen</ins>' in yours
    assert "You both changed this: keeping your text replaces theirs" in top


def test_parts_only_one_side_changed_say_whose_text_is_kept(client, page, editor, editor2):
    sections = _sections(page)
    mine = [*sections]
    mine[1] = (*mine[1][:2], "The big toe becomes hot, red and swollen.", mine[1][3])
    theirs = [*sections]
    theirs[0] = (*theirs[0][:2], "Gout causes sudden, severe attacks of pain in a joint.", theirs[0][3])
    opened = _form(page, sections=mine)
    _first_saves(client, page, editor, sections=theirs)
    html = _stale(client, editor2, opened, page)
    top = html[html.index('id="medsite-conflict"') : html.index('id="workflow-heading"')]
    overview = top[top.index("Section: Overview") : top.index("Section: Symptoms")]
    symptoms = top[top.index("Section: Symptoms") :]
    assert "Their change stays." in overview and "severe" in overview
    assert "Your change stays." in symptoms and "red" in symptoms
    assert "Section: Causes" not in top  # nobody changed it


def test_keeping_my_text_saves_nothing_and_carries_it_onto_the_newer_version(client, page, editor, editor2):
    sections = _sections(page)
    theirs = [*sections]
    theirs[0] = (*theirs[0][:2], "Gout causes sudden, severe attacks of pain in a joint.", theirs[0][3])
    mine = [*sections]
    mine[1] = (*mine[1][:2], "The big toe becomes hot, red and swollen.", mine[1][3])
    opened = _form(page, sections=mine, summary="Gout is a painful, swollen joint.")
    _first_saves(client, page, editor, sections=theirs, summary="Gout is a sudden, painful swelling.")
    versions = Version.objects.get_for_object(page).count()
    newer = Condition.objects.get(pk=page.pk)

    carried = _stale(client, editor2, opened, page, **{CARRY_OVER: "1"})

    # Nothing is saved by carrying over.
    assert Version.objects.get_for_object(page).count() == versions
    assert Condition.objects.get(pk=page.pk).summary == "Gout is a sudden, painful swelling."
    # The form: the newer version's lock; their overview, my symptoms, my summary (we both changed it).
    assert _value(carried, "lock_version_seen") == str(newer.lock_version)
    assert _value(carried, "sections-0-body") == "Gout causes sudden, severe attacks of pain in a joint."
    assert _value(carried, "sections-1-body") == "The big toe becomes hot, red and swollen."
    assert _value(carried, "summary") == "Gout is a painful, swollen joint."
    # Their text stays in view: the comparison is still at the top, saying what happened.
    top = carried[carried.index('id="medsite-conflict"') : carried.index('id="workflow-heading"')]
    assert "Your text is on the version Edna Editor saved, and not saved yet" in top
    assert 'role="alert"' not in top and "sudden," in top
    assert "Please correct the error" not in carried

    # Saving it now is deliberate, and succeeds.
    client.force_login(editor2)
    form = _form(Condition.objects.get(pk=page.pk))
    form |= {
        "summary": _value(carried, "summary"),
        "sections-1-body": _value(carried, "sections-1-body"),
        "lock_version_seen": _value(carried, "lock_version_seen"),
    }
    assert client.post(_url(page), form).status_code == 302
    saved = Condition.objects.get(pk=page.pk)
    assert saved.summary == "Gout is a painful, swollen joint."
    assert [s.body for s in saved.sections.all()][:2] == [
        "Gout causes sudden, severe attacks of pain in a joint.",
        "The big toe becomes hot, red and swollen.",
    ]
    # The first saver's summary, which mine replaced, is kept in the history.
    summaries = [v.field_dict["summary"] for v in Version.objects.get_for_object(page)]
    assert "Gout is a sudden, painful swelling." in summaries


def test_carrying_over_keeps_rows_they_added_and_brings_back_rows_they_removed_that_i_changed(
    client, page, editor, editor2
):
    overview, symptoms, causes = _sections(page)
    mine = [overview, (*causes[:2], "Too much uric acid in the blood, often from diet.", causes[3])]
    mine.insert(1, (symptoms[0], symptoms[1], symptoms[2], symptoms[3]))
    theirs = [overview, symptoms, (None, "treatment", "Rest, ice and anti-inflammatory medicines.", 3)]
    opened = _form(page, sections=mine)
    # They removed "causes" (left out of their form? no: deleted) and added a treatment section.
    their_form = _form(page, sections=[*theirs[:2], causes, theirs[2]])
    their_form["sections-2-DELETE"] = "on"
    their_form["sections-INITIAL_FORMS"] = 3
    client.force_login(editor)
    assert client.post(_url(page), their_form).status_code == 302
    assert [s.kind for s in Condition.objects.get(pk=page.pk).sections.all()] == [
        "overview",
        "symptoms",
        "treatment",
    ]

    stale = _stale(client, editor2, opened, page)
    top = stale[stale.index('id="medsite-conflict"') : stale.index('id="workflow-heading"')]
    assert "Added by Edna Editor." in top
    assert (
        "Removed by Edna Editor. You changed it, so keeping your text adds it back as a new section." in top
    )

    carried = _stale(client, editor2, opened, page, **{CARRY_OVER: "1"})
    bodies = {
        _value(carried, f"sections-{n}-body") for n in range(int(_value(carried, "sections-TOTAL_FORMS")))
    }
    assert bodies == {
        "Gout causes sudden attacks of pain in a joint.",
        "The big toe becomes hot and swollen.",
        "Rest, ice and anti-inflammatory medicines.",
        "Too much uric acid in the blood, often from diet.",
    }
    assert _value(carried, "sections-INITIAL_FORMS") == "3"


def test_keeping_my_text_merges_each_field_of_a_short_answer(client, editor, editor2):
    condition = make_condition(editor, "Gout", short_answers=[("Is gout serious?", "It can be.", "")])
    answer = condition.short_answers.get()
    row = (answer.pk, answer.question, answer.answer, answer.position)
    opened = _form(condition, answers=[(row[0], "Can gout be serious?", row[2], row[3])])
    _first_saves(
        client, condition, editor, answers=[(row[0], row[1], "Yes, untreated it damages joints.", row[3])]
    )
    carried = _stale(client, editor2, opened, condition, **{CARRY_OVER: "1"})
    assert _value(carried, "short_answers-0-question") == "Can gout be serious?"
    assert _value(carried, "short_answers-0-answer") == "Yes, untreated it damages joints."
    top = carried[carried.index('id="medsite-conflict"') : carried.index('id="workflow-heading"')]
    assert "Short answer: Can gout be serious?" in top


def test_without_the_version_i_opened_my_text_is_compared_with_theirs(client, page, editor, editor2):
    opened = _form(page, summary="Gout is a painful, swollen joint.")
    _first_saves(client, page, editor, summary="Gout is a sudden, painful swelling of a joint.")
    oldest = Version.objects.get_for_object(page).last()  # newest first
    Version.objects.filter(revision_id=oldest.revision_id).delete()

    stale = _stale(client, editor2, opened, page)
    assert (
        "The version you opened is no longer in the history, so your text is compared with theirs." in stale
    )
    assert "Edna Editor saved this page on" in stale
    carried = _stale(client, editor2, opened, page, **{CARRY_OVER: "1"})
    assert _value(carried, "summary") == "Gout is a painful, swollen joint."
    assert _value(carried, "lock_version_seen") == str(Condition.objects.get(pk=page.pk).lock_version)


def test_keeping_my_text_is_refused_to_those_who_may_not_edit(client, page, editor):
    workflow.submit(page, by=editor)  # in review: nobody may change it
    client.force_login(editor)
    response = client.post(_url(page), _form(page, **{CARRY_OVER: "1"}))
    assert response.status_code == 403
