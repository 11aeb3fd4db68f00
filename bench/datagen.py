"""The benchmark data set: thousands of condition pages with their history, built quickly.

``build()`` writes, deterministically for a given seed:

* editors and medical reviewers (with reviewer profiles), in the real groups;
* ``references`` references of every kind, recorded in one reversion revision as an import is;
* ``conditions`` condition pages of ``sections`` sections each (Markdown paragraphs, lead-in
  bullet lists, ``[@key]`` citations), a third with short answers, each listing its references;
* ``versions`` reversion versions of the conditions in all, spread unevenly (a few pages have a
  long history, most a short one). Each revision holds the condition and the versions of its
  sections, short answers and listed references, serialised as Django's serialiser does for
  reversion (checked against it), so history, compare and revert work on them. Each revision has the review
  event it records: edits, a submission, the approval, and for some pages later edits, a new
  submission or a request for changes;
* one live publication per page, assembled by ``conditions.rendering.render_condition`` with its
  PublicationReference rows, and the page indexed for search by ``conditions.public.search.index``.
  The Markdown step uses :func:`fast_render` (the same HTML for the generator's Markdown subset,
  at a fraction of the cost); every tenth page and the page the admin benchmarks open are also
  rendered by the real renderer, compared byte for byte, and kept from it.

Being a benchmark fixture it writes with ``bulk_create`` (the application itself never does:
every real write path goes through ``write_condition`` and the workflow), which is what makes
10,000 pages and 100,000 versions take minutes rather than hours. The rows are those the
application would write; ``tests/bench/test_datagen.py`` checks that on a small set.
"""

# Seeded pseudo-random numbers make the data set repeatable; nothing here is a secret.
# ruff: noqa: S311

from __future__ import annotations

import copy
import json
import math
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model, prefetch_related_objects
from django.utils.encoding import is_protected_type
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from reversion.models import Revision, Version

from conditions import rendering, workflow
from conditions.models import (
    Condition,
    Publication,
    ReviewerProfile,
    ReviewEvent,
    Section,
    ShortAnswer,
    Status,
    system_user,
)
from conditions.public import search
from conditions.rendering import ReviewInfo, render_condition
from images.figures import Figures
from medsite.dates import add_months
from references.citations import CITATION_RE, CitationNumbering, parse_group, render_group
from references.models import ConditionReference, PublicationReference, Reference
from references.parsing import base_key, unique_key

from . import textgen

Action = ReviewEvent.Action

# A fixed "now", so the same seed gives the same dates whenever it runs.
DEFAULT_NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
EDITORS = ["bench-editor-1", "bench-editor-2", "bench-editor-3", "bench-editor-4", "bench-editor-5"]
REVIEWERS = {
    "bench-reviewer-1": ("Amelia Hartono, MD", "Internal medicine"),
    "bench-reviewer-2": ("Kwame Asante, MBChB, FRCP", "Rheumatology"),
    "bench-reviewer-3": ("Lucia Moretti, MD, PhD", "Gastroenterology"),
    "bench-reviewer-4": ("Sven Aalto, MD", "Pulmonology"),
}
# What becomes of a page after its approval: (share, events after the approval's submit+approve).
SCENARIOS = {
    "published": (0.84, []),
    "edited": (0.07, [Action.EDIT]),
    "in_review": (0.06, [Action.EDIT, Action.SUBMIT]),
    "changes_requested": (0.03, [Action.EDIT, Action.SUBMIT, Action.REQUEST_CHANGES]),
}
STATUS_AFTER: dict[str, Status] = {
    Action.EDIT: Status.DRAFT,
    Action.SUBMIT: Status.EXPERT_REVIEW,
    Action.APPROVE: Status.PUBLISHED,
    Action.REQUEST_CHANGES: Status.DRAFT,
}
EDIT_COMMENTS = [
    "First draft",
    "Added the symptoms list",
    "Tightened the overview",
    "Checked references against the sources",
    "Plain-language pass",
    "Fixed citation keys",
    "Reordered the treatment options",
    "Copy edit",
    "Updated after editorial meeting",
    "Clarified when to see a doctor",
]
QUESTIONS = [
    (
        "Can {name} be cured?",
        "Many people keep it under control with treatment, although it may not go away completely.",
        "How well treatment works depends on how early it starts and on the person's general health. "
        "Regular follow-up lets the care team adjust the plan.",
    ),
    (
        "Is {name} inherited?",
        "Most cases are not passed on, but a family history does raise the chance of having it.",
        "Genetic counselling can help families understand what a relative's diagnosis means for them.",
    ),
    (
        "What is the outlook for {name}?",
        "The outlook is good for most people who are diagnosed early and follow their treatment plan.",
        "Complications are less likely when flare-ups are treated promptly.",
    ),
]
LATER_EDIT = "Newer studies support a check-up every six months for people with ongoing symptoms."


@dataclass
class Sizes:
    conditions: int = 10_000
    sections: int = 8
    references: int = 2_000
    versions: int = 100_000  # Condition versions in all (0: no history, e.g. for a search-only set)
    seed: int = 20261121
    chunk: int = 500
    # Every check_every-th page is rendered by the real renderer as well as by fast_render.
    check_every: int = 10


@dataclass
class _Event:
    action: str
    actor: User
    at: datetime
    comment: str = ""


@dataclass
class _Plan:
    """One page as it will be written: content, people, and its review log in order."""

    name: str
    slug: str
    synonyms: list[str]
    summary: str
    page: textgen.Page
    bodies: list[str]  # approved section bodies (Markdown)
    later_bodies: list[str]  # the working copy's bodies after post-approval edits
    listed_keys: list[str]
    answers: list[tuple[str, str, str]]
    events: list[_Event]
    created_at: datetime
    reviewer: User
    check: bool = False  # rendered by the real renderer too (see _render_page)
    row: Condition | None = None  # the condition, once _write_rows has written it
    sections: list[Section] = field(default_factory=list)
    answer_rows: list[ShortAnswer] = field(default_factory=list)
    reference_rows: list[ConditionReference] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)

    @property
    def condition(self) -> Condition:
        if self.row is None:
            raise ValueError(f"“{self.name}” is not written yet: _write_rows writes the conditions first.")
        return self.row

    @property
    def approve_index(self) -> int:
        return next(i for i, event in enumerate(self.events) if event.action == Action.APPROVE)


@contextmanager
def _given_timestamps() -> Iterator[None]:
    """Let rows keep the past dates given to them instead of ``auto_now``/``auto_now_add``'s now.

    History spread over years is the point of the data set; the flags are restored on exit.
    """
    fields = [
        Condition._meta.get_field("created_at"),
        Condition._meta.get_field("updated_at"),
        ReviewEvent._meta.get_field("created_at"),
        Reference._meta.get_field("created_at"),
        Reference._meta.get_field("updated_at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# The longest history a page gets: a page saved several times a week for two years. The long
# tail of the distribution is cut here and its excess spread over the other pages.
MAX_VERSIONS_PER_PAGE = 250


def revision_counts(sizes: Sizes, rng: random.Random) -> list[int]:
    """Condition versions per page, summing to ``sizes.versions``: 3 to MAX_VERSIONS_PER_PAGE each,
    most pages few, a few pages many (a Pareto tail)."""
    n, total = sizes.conditions, sizes.versions
    if total == 0:
        return [0] * n
    if not 3 * n <= total <= MAX_VERSIONS_PER_PAGE * n:
        raise ValueError(
            f"{total} versions cannot be spread over {n} conditions: give 3 to "
            f"{MAX_VERSIONS_PER_PAGE} per condition."
        )
    weights = [rng.paretovariate(1.6) for _ in range(n)]
    scale = (total - 3 * n) / sum(weights)
    counts = [min(MAX_VERSIONS_PER_PAGE, 3 + math.floor(w * scale)) for w in weights]
    while (missing := total - sum(counts)) > 0:  # rounding and the cut tail, one more each
        room = [i for i in range(n) if counts[i] < MAX_VERSIONS_PER_PAGE]
        for i in rng.sample(room, min(missing, len(room))):
            counts[i] += 1
    return counts


class _People:
    def __init__(self) -> None:
        editors_group = Group.objects.get(name="Editors")
        reviewers_group = Group.objects.get(name="Medical reviewers")
        self.editors = [self._user(name, editors_group) for name in EDITORS]
        self.reviewers = []
        for username, (display, specialty) in REVIEWERS.items():
            user = self._user(username, reviewers_group)
            ReviewerProfile.objects.get_or_create(
                user=user, defaults={"display_name": display, "specialty": specialty}
            )
            self.reviewers.append(user)

    @staticmethod
    def _user(username: str, group: Group) -> User:
        first, _, number = username.rpartition("-")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "first_name": first.split("-")[-1].capitalize(), "last_name": number},
        )
        if created:
            user.set_unusable_password()  # logged in by force_login in the benchmark; no hashing cost
            user.save(update_fields=["password"])
            user.groups.add(group)
        return user


def _events(
    count: int, rng: random.Random, people: _People, created: datetime, now: datetime
) -> list[_Event]:
    """The review log of one page with ``count`` revisions, ending in one of :data:`SCENARIOS`."""
    names = list(SCENARIOS)
    scenario = rng.choices(names, weights=[SCENARIOS[n][0] for n in names])[0]
    tail = [Action.SUBMIT, Action.APPROVE, *SCENARIOS[scenario][1]]
    if count < len(tail) + 1:
        tail = [Action.SUBMIT, Action.APPROVE]
    actions = [Action.EDIT] * (count - len(tail)) + tail
    editor = rng.choice(people.editors)
    # Mostly the page's own editor; now and then a colleague or a reviewer lends a hand.
    helpers = [*people.editors, people.reviewers[0]]
    reviewer = rng.choice(people.reviewers)
    span = (now - created).total_seconds()
    moments = sorted(created + timedelta(seconds=rng.uniform(0, span)) for _ in actions)
    moments[0] = created
    events = []
    for n, (action, at) in enumerate(zip(actions, moments, strict=True)):
        if action == Action.EDIT:
            actor = editor if n == 0 or rng.random() < 0.8 else rng.choice(helpers)
            comment = EDIT_COMMENTS[0] if n == 0 else rng.choice(EDIT_COMMENTS[1:])
        elif action == Action.SUBMIT:
            actor, comment = editor, ""
        elif action == Action.APPROVE:
            actor, comment = reviewer, ""
        else:
            actor, comment = reviewer, "Please cite a source for the newest paragraph."
        events.append(_Event(action, actor, at, comment))
    # Four eyes: nobody approves a version they edited or submitted.
    approve = next(e for e in events if e.action == Action.APPROVE)
    contributors = {e.actor.pk for e in events[: events.index(approve)]}
    if approve.actor.pk in contributors:
        approve.actor = next(r for r in people.reviewers if r.pk not in contributors)
        for e in events[events.index(approve) :]:
            if e.action == Action.REQUEST_CHANGES:
                e.actor = approve.actor
    return events


def _plan(
    index: int,
    name_info: tuple[str, list[str], str],
    revisions: int,
    sizes: Sizes,
    keys: list[str],
    key_weights: list[float],
    people: _People,
    now: datetime,
    *,
    check: bool,
) -> _Plan:
    rng = random.Random(f"{sizes.seed}:condition:{index}")
    name, synonyms, part = name_info
    listed = list(dict.fromkeys(rng.choices(keys, weights=key_weights, k=rng.randint(4, 8))))
    created = now - timedelta(days=rng.uniform(20, 4 * 365))
    events = _events(max(revisions, 3), rng, people, created, now)
    kinds = [textgen.PAGE_KINDS[i % len(textgen.PAGE_KINDS)] for i in range(sizes.sections)]
    approve_at = next(e.at for e in events if e.action == Action.APPROVE)
    page = textgen.TextMaker(rng).page(
        name, synonyms, part, listed, kinds=kinds, reviewed_on=approve_at.date()
    )
    bodies = [textgen.block_markdown(block) for block in page.blocks]
    later = list(bodies)
    approve = next(i for i, e in enumerate(events) if e.action == Action.APPROVE)
    if any(e.action == Action.EDIT for e in events[approve:]):
        later[rng.randrange(len(later))] += f"\n\n{LATER_EDIT}"
    answers = []
    if rng.random() < 0.3:
        for question, answer, details in rng.sample(QUESTIONS, rng.randint(1, 2)):
            answers.append((question.format(name=name.lower()), answer, details))
    return _Plan(
        name=name,
        slug=slugify(name),
        synonyms=synonyms,
        summary=textgen.summary(page),
        page=page,
        bodies=bodies,
        later_bodies=later,
        listed_keys=listed,
        answers=answers,
        events=events,
        created_at=created,
        reviewer=events[approve].actor,
        check=check,
    )


# --- writing ---------------------------------------------------------------------------------


class _Serialiser:
    """What ``serializers.serialize("json", [obj])`` returns (reversion's serialised_data), faster.

    The same field walk and encoder as Django's JSON serialiser without its stream machinery, and
    rows that repeat across versions (an unchanged section) are serialised once. The first rows of
    each model are checked against Django's own serialiser, so a mismatch stops the build.
    """

    CHECKED_PER_MODEL = 5

    def __init__(self) -> None:
        self.cache: dict[tuple, str] = {}
        self.checked: dict[type, int] = {}

    def __call__(self, obj: Model, *, key: tuple | None = None) -> str:
        if key is not None and key in self.cache:
            return self.cache[key]
        fields = {}
        concrete = obj._meta.concrete_model
        if concrete is None:  # set on every model class Django has prepared
            raise TypeError(f"{type(obj).__name__} is not a prepared model.")
        for f in concrete._meta.local_fields:
            if f.serialize:  # type: ignore[attr-defined]  # set by Field.__init__; django-stubs omit it
                value = f.value_from_object(obj)
                fields[f.name] = value if is_protected_type(value) else f.value_to_string(obj)
        pk = obj._meta.pk.value_from_object(obj)
        record = {"model": str(obj._meta), "pk": pk, "fields": fields}
        data = "[" + json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False) + "]"
        model = type(obj)
        if self.checked.get(model, 0) < self.CHECKED_PER_MODEL:
            expected = serializers.serialize("json", (obj,))
            if data != expected:
                raise AssertionError(
                    f"Serialised {model.__name__} differs from Django's:\n{data}\n{expected}"
                )
            self.checked[model] = self.checked.get(model, 0) + 1
        if key is not None:
            self.cache[key] = data
        return data


# --- rendering -----------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*([^*]+)\*\*")
# The Markdown the generator writes, once citations and bold leads are taken out: words and plain
# punctuation only. Anything else goes to the real renderer.
_PLAIN = re.compile(r"[A-Za-z0-9 ,.;:'()%?/\-]*")
_LINK_START = re.compile(r"(<a [^>]*)>")


def _fast_inline(text: str, numbering: CitationNumbering) -> str:
    out, position = [], 0
    for match in CITATION_RE.finditer(text):
        out.append(_BOLD.sub(r"<strong>\1</strong>", text[position : match.start()]).replace("'", "\u2019"))
        cites = parse_group(match.group(1))
        if cites is None:  # _is_simple() lets through only citations that parse
            raise ValueError(f"Not a citation: {match.group(0)}")
        # nh3 adds rel to every link the real renderer lets through.
        out.append(_LINK_START.sub(r'\1 rel="noopener noreferrer">', render_group(cites, numbering)))
        position = match.end()
    out.append(_BOLD.sub(r"<strong>\1</strong>", text[position:]).replace("'", "\u2019"))
    return "".join(out)


def _is_simple(text: str) -> bool:
    bare = _BOLD.sub(r"\1", CITATION_RE.sub("", text))
    blocks = bare.split("\n\n")
    return all(
        _PLAIN.fullmatch(block)
        or all(line.startswith("- ") and _PLAIN.fullmatch(line[2:]) for line in block.split("\n"))
        for block in blocks
    ) and all(parse_group(m.group(1)) for m in CITATION_RE.finditer(text))


def fast_render(
    text: str,
    *,
    citations: CitationNumbering | None = None,
    images: Figures | None = None,
    budget: float | None = None,
) -> SafeString:
    """``medsite.markdown.render`` for the Markdown the generator writes (paragraphs, "- **Lead.**"
    lists, ``[@key]`` citations), without the parser's cost; other text goes to the real one.

    Same output, byte for byte: ``build`` renders a sample of pages both ways and compares them.
    """
    if not _is_simple(text):
        return _real_render(text, citations=citations, images=images, budget=budget)
    numbering = citations if citations is not None else CitationNumbering()
    html = []
    # Citations are numbered in document order, as markdown-it's inline pass meets them.
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if all(line.startswith("- ") for line in lines):
            items = "\n".join(f"<li>{_fast_inline(line[2:], numbering)}</li>" for line in lines)
            html.append(f"<ul>\n{items}\n</ul>")
        else:
            html.append(f"<p>{_fast_inline(' '.join(lines), numbering)}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - generator text only


_real_render = rendering.render


def _render_page(condition: Condition, review: ReviewInfo, *, check: bool) -> rendering.RenderedPage:
    """``render_condition`` with :func:`fast_render` for its Markdown; with ``check``, also with the
    real renderer, which must give the same page (and is what is kept)."""
    rendering.render = fast_render
    try:
        page = render_condition(condition, review)
    finally:
        rendering.render = _real_render
    if not check:
        return page
    real = render_condition(condition, review)
    if (real.html, real.structured_data) != (page.html, page.structured_data):
        raise AssertionError(f"The fast renderer differs from medsite.markdown.render on “{condition}”.")
    return real


def _write_references(sizes: Sizes, now: datetime, log: Callable[[str], None]) -> list[Reference]:
    rng = random.Random(f"{sizes.seed}:references")
    specs = textgen.TextMaker(rng).references(sizes.references, today=now.date())
    taken = set(Reference.objects.values_list("key", flat=True))
    rows = []
    for spec in specs:
        key = unique_key(base_key(spec.fields), taken)
        taken.add(key)
        when = now - timedelta(days=rng.uniform(1500, 1600))
        rows.append(Reference(key=key, created_at=when, updated_at=when, **spec.fields))
    references = Reference.objects.bulk_create(rows, batch_size=500)
    revision = Revision.objects.create(
        date_created=now - timedelta(days=1500), user=system_user(), comment="Imported from bench-library.ris"
    )
    content_type = ContentType.objects.get_for_model(Reference)
    serialise = _Serialiser()
    _insert_versions([_version(revision, content_type, ref, serialise(ref)) for ref in references])
    log(f"  {len(references)} references")
    return references


_VERSION_COLUMNS = (
    "revision_id",
    "object_id",
    "content_type_id",
    "db",
    "format",
    "serialized_data",
    "object_repr",
)


def _version(revision: Revision, content_type: ContentType, obj: Model, data: str, repr_: str = "") -> tuple:
    return (revision.pk, str(obj.pk), content_type.pk, "default", "json", data, repr_ or str(obj))


def _insert_versions(rows: list[tuple]) -> None:
    """Version rows by one parametrised INSERT run over all of them.

    Raw rather than ``bulk_create``: at a million rows and more, building the model instances is
    most of the cost of the whole data set. The columns are reversion's own.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - quoted identifiers, %s values
        qn(Version._meta.db_table),
        ", ".join(map(qn, _VERSION_COLUMNS)),
        ", ".join(["%s"] * len(_VERSION_COLUMNS)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _write_rows(plans: list[_Plan], references: dict[str, Reference]) -> None:
    """Conditions with their sections, short answers and listed references, as approved."""
    conditions = []
    for plan in plans:
        edits = [e for e in plan.events if e.action == Action.EDIT]
        last = plan.events[-1]
        approve = plan.events[plan.approve_index]
        reviewed_on = approve.at.date()
        conditions.append(
            Condition(
                name=plan.name,
                slug=plan.slug,
                also_called="\n".join(plan.synonyms),
                summary=plan.summary,
                status=STATUS_AFTER[last.action],
                last_reviewed_on=reviewed_on,
                next_review_due=add_months(reviewed_on, 36),
                lock_version=len(edits),
                created_at=plan.created_at,
                updated_at=last.at,
                created_by=edits[0].actor,
                updated_by=edits[-1].actor,
            )
        )
    Condition.objects.bulk_create(conditions)
    sections, answers, links = [], [], []
    for plan, condition in zip(plans, conditions, strict=True):
        plan.row = condition
        plan.sections = [
            Section(condition=condition, kind=block.kind, heading=block.heading, body=body, position=n)
            for n, (block, body) in enumerate(zip(plan.page.blocks, plan.bodies, strict=True))
        ]
        plan.answer_rows = [
            ShortAnswer(condition=condition, question=q, answer=a, details=d, position=n)
            for n, (q, a, d) in enumerate(plan.answers)
        ]
        plan.reference_rows = [
            ConditionReference(condition=condition, reference=references[key], position=n)
            for n, key in enumerate(plan.listed_keys)
        ]
        sections += plan.sections
        answers += plan.answer_rows
        links += plan.reference_rows
    Section.objects.bulk_create(sections, batch_size=1000)
    ShortAnswer.objects.bulk_create(answers, batch_size=1000)
    ConditionReference.objects.bulk_create(links, batch_size=1000)


def _write_revisions(plans: list[_Plan]) -> None:
    revisions = []
    for plan in plans:
        plan.revisions = [
            Revision(date_created=e.at, user=e.actor, comment=_revision_comment(e)) for e in plan.events
        ]
        revisions += plan.revisions
    Revision.objects.bulk_create(revisions, batch_size=1000)


def _revision_comment(event: _Event) -> str:
    # The comments the workflow's transitions give their revisions.
    if event.action == Action.SUBMIT:
        return "Submitted for expert review"
    if event.action == Action.APPROVE:
        return "Approved (clinical review)"
    if event.action == Action.REQUEST_CHANGES:
        return f"Changes requested: {event.comment}"
    return event.comment


def _publish(plans: list[_Plan]) -> list[Publication]:
    """Render each page as approved and freeze it as its live publication.

    Pages marked ``check`` (a sample, and any page the benchmark opens) go through the real
    renderer too; see :func:`_render_page`.
    """
    conditions = [plan.condition for plan in plans]
    prefetch_related_objects(conditions, "sections", "short_answers")
    publications, links = [], []
    for plan in plans:
        approve = plan.events[plan.approve_index]
        condition = plan.condition
        reviewer = approve.actor.reviewer_profile.display_name
        review = ReviewInfo(
            reviewer, condition.last_reviewed_on, condition.next_review_due, approve.at.date()
        )
        page = _render_page(condition, review, check=plan.check)
        publication = Publication(
            condition=condition,
            number=1,
            title=condition.name,
            slug=condition.slug,
            summary=condition.summary,
            also_called=condition.also_called,
            html=page.html,
            structured_data=page.structured_data,
            revision=plan.revisions[plan.approve_index],
            approved_by=approve.actor,
            kind=Publication.Kind.CLINICAL,
            approved_at=approve.at,
            go_live_at=approve.at,
            went_live_at=approve.at,
            attestation=dict(workflow.CHECKLIST),
            reviewed_on=condition.last_reviewed_on,
            reviewed_by_name=reviewer,
            next_review_due=condition.next_review_due,
        )
        publications.append(publication)
        links.append([(number, reference) for number, reference in enumerate(page.references, start=1)])
    Publication.objects.bulk_create(publications)
    PublicationReference.objects.bulk_create(
        (
            PublicationReference(publication=publication, reference_id=reference.id, number=number)
            for publication, pairs in zip(publications, links, strict=True)
            for number, reference in pairs
        ),
        batch_size=1000,
    )
    for condition, publication in zip(conditions, publications, strict=True):
        condition.live_publication = publication
    Condition.objects.bulk_update(conditions, ["live_publication"], batch_size=500)
    return publications


def _edit_after_approval(plans: list[_Plan]) -> None:
    """The working copies edited since their approval get their newer text."""
    changed = []
    for plan in plans:
        for section, body in zip(plan.sections, plan.later_bodies, strict=True):
            if section.body != body:
                section.body = body
                changed.append(section)
    if changed:
        Section.objects.bulk_update(changed, ["body"], batch_size=500)


def _write_versions(plans: list[_Plan], serialise: _Serialiser) -> int:
    """Every revision's versions: the condition as it stood, with its sections, answers and references."""
    models = (Condition, Section, ShortAnswer, ConditionReference)
    types = {model: ContentType.objects.get_for_model(model) for model in models}
    rows = [row for plan in plans for row in _plan_versions(plan, types, serialise)]
    _insert_versions(rows)
    return len(rows)


def _plan_versions(plan: _Plan, types: dict, serialise: _Serialiser) -> list[tuple]:
    condition = plan.condition
    approve = plan.approve_index
    leading_edits = sum(1 for e in plan.events[:approve] if e.action == Action.EDIT)
    versions = []
    state = copy.copy(condition)
    state.live_publication_id = state.last_reviewed_on = state.next_review_due = None
    state.lock_version = 0  # each edit bumps it: it counts the edits so far
    edited_since_approval = False
    for n, (event, revision) in enumerate(zip(plan.events, plan.revisions, strict=True)):
        if event.action == Action.EDIT:
            state.lock_version += 1
            state.updated_by_id = event.actor.pk
            edited_since_approval = n > approve
        if n == approve:
            state.live_publication_id = condition.live_publication_id
            state.last_reviewed_on = condition.last_reviewed_on
            state.next_review_due = condition.next_review_due
        state.status = STATUS_AFTER[event.action]
        state.updated_at = event.at
        versions.append(_version(revision, types[Condition], state, serialise(state)))
        if n >= approve:
            bodies = plan.later_bodies if edited_since_approval else plan.bodies
            sections = list(zip(plan.sections, bodies, strict=True))
        else:
            sections = _draft_sections(plan, state.lock_version, leading_edits)
        for section, body in sections:
            row = copy.copy(section)
            row.body = body
            data = serialise(row, key=("section", section.pk, body))
            versions.append(_version(revision, types[Section], row, data))
        for answer in plan.answer_rows:
            data = serialise(answer, key=("answer", answer.pk))
            versions.append(_version(revision, types[ShortAnswer], answer, data))
        for link in plan.reference_rows:
            data = serialise(link, key=("link", link.pk))
            repr_ = f"{condition.name} – {link.reference.key}"
            versions.append(_version(revision, types[ConditionReference], link, data, repr_))
    return versions


def _draft_sections(plan: _Plan, edits_so_far: int, leading_edits: int) -> list[tuple[Section, str]]:
    """The sections and their text after ``edits_so_far`` of the edits before the submission.

    Drafting grows the page: early edits have only the first sections, and each draft before the
    submitted one lacks the closing paragraph of one section. (From the approval on, the text is
    the approved one, and after a later edit the working copy's.)
    """
    if edits_so_far >= leading_edits:  # the submitted draft
        return list(zip(plan.sections, plan.bodies, strict=True))
    count = max(1, math.ceil(len(plan.sections) * edits_so_far / leading_edits))
    shown = list(zip(plan.sections[:count], plan.bodies[:count], strict=True))
    trimmed = edits_so_far % count
    section, body = shown[trimmed]
    paragraphs = body.split("\n\n")
    if len(paragraphs) > 1:
        shown[trimmed] = (section, "\n\n".join(paragraphs[:-1]))
    return shown


def _write_events(plans: list[_Plan]) -> None:
    events = []
    for plan in plans:
        status = Status.DRAFT
        for n, (event, revision) in enumerate(zip(plan.events, plan.revisions, strict=True)):
            to_status = STATUS_AFTER[event.action]
            events.append(
                ReviewEvent(
                    condition=plan.condition,
                    actor=event.actor,
                    action=event.action,
                    from_status=status,
                    to_status=to_status,
                    comment=event.comment if event.action == Action.REQUEST_CHANGES else "",
                    created_at=event.at,
                    revision=revision,
                    publication=plan.condition.live_publication if n == plan.approve_index else None,
                )
            )
            status = to_status
    ReviewEvent.objects.bulk_create(events, batch_size=1000)


def _without_history(plans: list[_Plan]) -> None:
    """For a search-only set (``versions=0``): no revisions, but the publication still needs none."""
    for plan in plans:
        plan.revisions = [None] * len(plan.events)


def build(
    sizes: Sizes | None = None, *, now: datetime | None = None, log: Callable[[str], None] = print
) -> dict:
    """Write the data set into an empty database; returns counts for the report."""
    sizes = sizes or Sizes()
    now = now or DEFAULT_NOW
    if Condition.objects.exists():
        raise ValueError("The database already has condition pages: build the benchmark set in an empty one.")
    if not connection.features.can_return_rows_from_bulk_insert:
        raise ValueError(
            "This database cannot return ids from bulk inserts (SQLite 3.35+ or PostgreSQL needed)."
        )
    started = time.perf_counter()
    rng = random.Random(f"{sizes.seed}:set")
    log(
        f"bench_data: {sizes.conditions} conditions x {sizes.sections} sections, {sizes.references} "
        f"references, {sizes.versions} condition versions (seed {sizes.seed})"
    )
    with _given_timestamps():
        with transaction.atomic():
            people = _People()
            references = {ref.key: ref for ref in _write_references(sizes, now, log)}
        keys = list(references)
        # Popular sources are cited by many pages, most by a few.
        key_weights = [1 / (rank + 10) for rank in range(len(keys))]
        names = textgen.TextMaker(rng).condition_names(sizes.conditions)
        counts = revision_counts(sizes, rng)
        # The page with the longest history is the one the admin benchmarks open.
        heaviest = max(range(sizes.conditions), key=lambda i: (counts[i], -i))
        checked = {i for i in range(sizes.conditions) if i % sizes.check_every == 0} | {heaviest}
        serialise = _Serialiser()
        totals = {"versions": 0}
        for start in range(0, sizes.conditions, sizes.chunk):
            stop = min(start + sizes.chunk, sizes.conditions)
            plans = [
                _plan(i, names[i], counts[i], sizes, keys, key_weights, people, now, check=i in checked)
                for i in range(start, stop)
            ]
            with transaction.atomic():
                _write_rows(plans, references)
                if sizes.versions:
                    _write_revisions(plans)
                else:
                    _without_history(plans)
                _publish(plans)
                _edit_after_approval(plans)
                if sizes.versions:
                    totals["versions"] += _write_versions(plans, serialise)
                    _write_events(plans)
                for plan in plans:
                    search.index(plan.condition)
            serialise.cache.clear()
            log(f"  {stop}/{sizes.conditions} conditions, {totals['versions']} version rows "
                f"({time.perf_counter() - started:.0f} s)")  # fmt: skip
    elapsed = time.perf_counter() - started
    log(f"bench_data: done in {elapsed:.0f} s")
    return {
        "conditions": Condition.objects.count(),
        "live": Condition.objects.live().count(),
        "sections": Section.objects.count(),
        "references": Reference.objects.count(),
        "condition_versions": Version.objects.get_for_model(Condition).count(),
        "version_rows": Version.objects.count(),
        "review_events": ReviewEvent.objects.count(),
        "seconds": round(elapsed, 1),
        "heaviest_slug": slugify(names[heaviest][0]),
        # Pages rendered by the real renderer: the benchmark's public-page rotation uses these.
        "checked_slugs": sorted(slugify(names[i][0]) for i in checked),
    }
