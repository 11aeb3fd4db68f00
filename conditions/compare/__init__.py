"""Comparing two states of a condition page the way a reader sees the difference.

A :class:`Snapshot` is one state of a page reduced to what a reader sees: the text of each
paragraph and list item after Markdown rendering, citations shown by their source key. It is built
from a reversion version (any point in the history), the working copy, or a publication's frozen
structured data, so any two of them can be compared. :func:`compare` matches sections, short
answers and references between two snapshots, finds the ones added, removed and moved, and diffs
their text word by word with difflib. The result is plain data that the admin templates lay out;
the only HTML made here (:attr:`TextDiff.html`) is built from escaped text.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from conditions.models import Condition, Publication, Section, ShortAnswer
from medsite.markdown import render
from references.citations import CitationNumbering, find_keys, format_reference
from references.models import ConditionReference, Reference

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"

# --- reader text ---------------------------------------------------------------------------------

# Elements that start a new paragraph of reader text.
_BLOCK_TAGS = {
    "p", "li", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "dt", "dd", "hr", "table", "ul", "ol",
}  # fmt: skip


class _ReaderText(HTMLParser):
    """Sanitised page HTML -> the paragraphs a reader sees, list items marked "• " (or "1. ")."""

    def __init__(self, keys_by_number: Mapping[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.keys_by_number = keys_by_number
        self.paragraphs: list[str] = []
        self._parts: list[str] = []
        self._lists: list[list[Any]] = []  # [tag, items so far] for each open list
        self._cells = 0
        self._citation = self._citation_link = False
        self._link: tuple[str, int] | None = None  # href and where its text starts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _BLOCK_TAGS:
            self.end_paragraph()
        if tag in {"ul", "ol"}:
            self._lists.append([tag, int(attributes.get("start") or 1) - 1])
        elif tag == "li" and self._lists:
            self._lists[-1][1] += 1
            kind, number = self._lists[-1]
            self._parts.append("• " if kind == "ul" else f"{number}. ")
        elif tag in {"td", "th"}:
            self._parts.append(" | " if self._cells else "")
            self._cells += 1
        elif tag == "br":
            self._parts.append(" ")
        elif tag == "sup" and "citation" in (attributes.get("class") or "").split():
            self._citation = True
            self._parts.append(" [")
        elif tag == "a" and self._citation:
            self._citation_link = True
        elif tag == "a":
            self._link = (attributes.get("href") or "", len(self._parts))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"ul", "ol"} and self._lists:
            self._lists.pop()
        elif tag == "tr":
            self._cells = 0
        elif tag == "sup" and self._citation:
            self._citation = False
            self._parts.append("]")
        elif tag == "a" and self._citation:
            self._citation_link = False
        elif tag == "a" and self._link:
            self._end_link()
        if tag in _BLOCK_TAGS:
            self.end_paragraph()

    def _end_link(self) -> None:
        # A changed link target matters to a reviewer even when the link text stays the same.
        href, start = self._link
        self._link = None
        if href and not href.startswith("#") and "".join(self._parts[start:]).strip() != href:
            self._parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if self._citation_link:
            # Numbers shift whenever a source is cited earlier on the page; the key names the source.
            data = self.keys_by_number.get(data.strip(), data)
        elif self._citation:
            data = data.replace(",", ", ").replace("[", "").replace("]", "")
        self._parts.append(data)

    def end_paragraph(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            self.paragraphs.append(text)
        self._parts = []


def reader_paragraphs(html: str, keys_by_number: Mapping[str, str] | None = None) -> list[str]:
    """The text of rendered ``html`` as a reader sees it, one string per paragraph or list item.

    ``keys_by_number`` turns citation numbers back into reference keys.
    """
    parser = _ReaderText(keys_by_number or {})
    parser.feed(str(html or ""))
    parser.close()
    parser.end_paragraph()
    return parser.paragraphs


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


# --- word-level diff -----------------------------------------------------------------------------

# A word, a number ("2.5", "1,000") or one punctuation mark, with the spaces before it.
# Punctuation stands apart so that citing a source before a full stop marks only the citation.
_TOKEN = re.compile(r"\s*(?:\w+(?:[.,]\d+)*|[^\w\s])")
# Marks a paragraph break in a token list; tokens never hold one, as paragraphs are single-spaced.
_BREAK = "\n"
_MARKUP = {INSERT: ("ins", "added: "), DELETE: ("del", "removed: ")}


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT or DELETE
    text: str

    @property
    def html(self) -> SafeString:
        if self.op == EQUAL:
            return escape(self.text)
        tag, label = _MARKUP[self.op]
        words = self.text.lstrip()
        # The space before a change stays outside it, so it is not underlined or struck through.
        return format_html(
            '{0}<{1}><span class="visually-hidden">{2}</span>{3}</{1}>',
            self.text[: len(self.text) - len(words)],
            tag,
            label,
            words,
        )


@dataclass
class TextDiff:
    """Paragraphs of segments: the new text with the old one's removed words kept in place."""

    paragraphs: list[list[Segment]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(segment.op != EQUAL for paragraph in self.paragraphs for segment in paragraph)

    @property
    def html(self) -> SafeString:
        return mark_safe(  # noqa: S308 - every segment is escaped or format_html
            "".join(
                format_html("<p>{}</p>", mark_safe("".join(s.html for s in paragraph)))  # noqa: S308
                for paragraph in self.paragraphs
            )
        )


class _DiffBuilder:
    def __init__(self) -> None:
        self.paragraphs: list[list[Segment]] = []
        self._runs: list[tuple[str, list[str]]] = []

    def token(self, op: str, token: str) -> None:
        if token == _BREAK:
            self.end_paragraph()
        elif self._runs and self._runs[-1][0] == op:
            self._runs[-1][1].append(token)
        else:
            self._runs.append((op, [token]))

    def end_paragraph(self) -> None:
        if self._runs:
            self.paragraphs.append([Segment(op, "".join(tokens)) for op, tokens in self._runs])
        self._runs = []

    def paragraph(self, op: str, text: str) -> None:
        self.end_paragraph()
        self.token(op, text)
        self.end_paragraph()


def _tokens(paragraphs: Sequence[str]) -> list[str]:
    tokens: list[str] = []
    for n, paragraph in enumerate(paragraphs):
        tokens += [_BREAK, *_TOKEN.findall(paragraph)] if n else _TOKEN.findall(paragraph)
    return tokens


def _size(tokens: Sequence[str]) -> int:
    return sum(len(token) for token in tokens)


def _readable(opcodes: list[tuple], old: list[str], new: list[str]) -> list[tuple]:
    """Fold a short unchanged run between two replacements into one replacement.

    A rewritten sentence otherwise shows as many small changes around the "the"s and commas the
    versions happen to share. Same rule as diff-match-patch's semantic cleanup: the run is no
    longer than the changes on either side.
    """
    result: list[tuple] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        fold = (
            tag == "equal"
            and 0 < k < len(opcodes) - 1
            and opcodes[k - 1][0] == opcodes[k + 1][0] == "replace"
            and _BREAK not in old[i1:i2]
            and all(
                _size(old[i1:i2]) <= max(_size(old[a1:a2]), _size(new[b1:b2]))
                for _, a1, a2, b1, b2 in (opcodes[k - 1], opcodes[k + 1])
            )
        )
        if (tag != "equal" or fold) and result and result[-1][0] == "replace":
            result[-1] = ("replace", result[-1][1], i2, result[-1][3], j2)
        else:
            result.append(("replace" if fold else tag, i1, i2, j1, j2))
    return result


def _diff_words(builder: _DiffBuilder, old: Sequence[str], new: Sequence[str]) -> None:
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    builder.end_paragraph()
    opcodes = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in _readable(opcodes, old_tokens, new_tokens):
        if op == "equal":
            for token in old_tokens[i1:i2]:
                builder.token(EQUAL, token)
            continue
        for token in old_tokens[i1:i2]:
            builder.token(DELETE, token)
        for token in new_tokens[j1:j2]:
            builder.token(INSERT, token)
    builder.end_paragraph()


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> TextDiff:
    """Word-level diff of two texts given as paragraphs.

    Paragraphs are matched first, so unchanged ones stay whole and long texts stay fast; only the
    runs of paragraphs that differ are compared word by word.
    """
    old, new = list(old), list(new)
    builder = _DiffBuilder()
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            for paragraph in old[i1:i2]:
                builder.paragraph(EQUAL, paragraph)
        elif op == "delete":
            for paragraph in old[i1:i2]:
                builder.paragraph(DELETE, paragraph)
        elif op == "insert":
            for paragraph in new[j1:j2]:
                builder.paragraph(INSERT, paragraph)
        else:
            _diff_words(builder, old[i1:i2], new[j1:j2])
    return TextDiff(builder.paragraphs)


# --- snapshots -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionText:
    row_id: int | None  # None where the source keeps no row ids (a publication)
    kind: str
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class AnswerText:
    row_id: int | None
    question: str
    answer: tuple[str, ...]
    details: tuple[str, ...]


@dataclass(frozen=True)
class ReferenceText:
    key: str
    text: str


@dataclass
class Snapshot:
    """One state of a page as a reader sees it; an empty one stands for "nothing published yet"."""

    label: str
    name: str = ""
    slug: str = ""
    also_called: list[str] = field(default_factory=list)
    summary: str = ""
    sections: list[SectionText] = field(default_factory=list)
    short_answers: list[AnswerText] = field(default_factory=list)
    references: list[ReferenceText] = field(default_factory=list)


@dataclass
class _Parts:
    """A page's rows as saved, read from the database or from one reversion revision."""

    condition: Condition
    sections: list[Section]
    answers: list[ShortAnswer]
    listed_ids: list[int]

    def texts(self) -> list[str]:
        """Every Markdown text, in citation-numbering order (as ``rendering.page_texts``)."""
        texts = [section.body for section in self.sections]
        for answer in self.answers:
            texts += [answer.answer, answer.details]
        return texts


def _load_references(parts: Sequence[_Parts]) -> dict[int, Reference]:
    """The references cited or listed by any of ``parts``, by id: one query for all of them."""
    keys = {key for part in parts for text in part.texts() for key in find_keys(text)}
    ids = {pk for part in parts for pk in part.listed_ids}
    return {ref.pk: ref for ref in Reference.objects.filter(Q(key__in=keys) | Q(pk__in=ids))}


def _snapshot(parts: _Parts, references: Mapping[int, Reference], label: str) -> Snapshot:
    by_key = {ref.key: ref for ref in references.values()}
    # One numbering for the whole page in reading order, as rendering.render_condition numbers it,
    # so the reference list below comes out in the published order.
    numbering = CitationNumbering(references=by_key)
    sections = [(s, render(s.body, citations=numbering)) for s in parts.sections]
    answers = [
        (a, render(a.answer, citations=numbering), render(a.details, citations=numbering))
        for a in parts.answers
    ]
    keys = {str(number): key for key, number in numbering.numbers.items()}
    listed = [references[pk] for pk in parts.listed_ids if pk in references]
    ordered = [by_key[key] for key in numbering.cited_keys]
    ordered += [ref for ref in dict.fromkeys(listed) if ref.key not in numbering.numbers]
    return Snapshot(
        label=label,
        name=parts.condition.name,
        slug=parts.condition.slug,
        also_called=parts.condition.synonyms,
        summary=parts.condition.summary,
        sections=[
            SectionText(s.pk, s.kind, s.display_heading, tuple(reader_paragraphs(html, keys)))
            for s, html in sections
        ],
        short_answers=[
            AnswerText(
                a.pk, a.question, tuple(reader_paragraphs(ah, keys)), tuple(reader_paragraphs(dh, keys))
            )
            for a, ah, dh in answers
        ],
        references=[ReferenceText(ref.key, _reference_text(format_reference(ref))) for ref in ordered],
    )


def _reference_text(html: str) -> str:
    return " ".join(reader_paragraphs(html))


def snapshot_from_working_copy(condition: Condition, *, label: str = "the working copy") -> Snapshot:
    """The condition as it stands now (uses prefetched sections and short answers if present)."""
    parts = _Parts(
        condition,
        list(condition.sections.all()),
        list(condition.short_answers.all()),
        list(condition.condition_references.values_list("reference_id", flat=True)),
    )
    return _snapshot(parts, _load_references([parts]), label)


def _parts_from_revision(version: Version, related: Sequence[Version]) -> _Parts:
    models = ContentType.objects.get_for_models(Section, ShortAnswer, ConditionReference)
    model_by_type = {content_type.pk: model for model, content_type in models.items()}
    # The deserialised instances, not field_dict: their properties (display_heading, synonyms)
    # give the same text the live models give.
    condition = version._object_version.object
    rows: dict[type, list] = defaultdict(list)
    for other in related:
        model = model_by_type.get(other.content_type_id)
        if model is not None:
            row = other._object_version.object
            if row.condition_id == condition.pk:
                rows[model].append(row)
    for model_rows in rows.values():
        model_rows.sort(key=lambda row: (row.position, row.pk))
    links = rows[ConditionReference]
    return _Parts(condition, rows[Section], rows[ShortAnswer], [link.reference_id for link in links])


def version_label(version: Version) -> str:
    revision = version.revision
    when = formats.date_format(timezone.localtime(revision.date_created), "DATETIME_FORMAT")
    who = revision.user.get_username() if revision.user else "an unknown user"
    return f"the version saved {when} by {who}"


def snapshots_from_versions(versions: Sequence[Version]) -> list[Snapshot]:
    """Snapshots of Condition versions: two queries however many versions and rows.

    Each version's revision holds the versions of the page's sections, short answers and listed
    references (Condition is registered with ``follow``); they are read in one query, and the
    references of all the versions in another. ``revision__user`` should be select_related.
    """
    revision_ids = {version.revision_id for version in versions}
    related: dict[int, list[Version]] = defaultdict(list)
    for other in Version.objects.filter(revision_id__in=revision_ids):
        related[other.revision_id].append(other)
    parts = [_parts_from_revision(version, related[version.revision_id]) for version in versions]
    references = _load_references(parts)
    return [
        _snapshot(part, references, version_label(version))
        for part, version in zip(parts, versions, strict=True)
    ]


def snapshot_from_publication(publication: Publication, *, label: str = "") -> Snapshot:
    """What the public was shown, from the publication's frozen structured data (no queries)."""
    data = publication.structured_data or {}
    references = data.get("references") or []
    keys = {str(ref.get("number")): ref.get("key", "") for ref in references}
    return Snapshot(
        label=label or f"the published version {publication.number}",
        name=data.get("name", publication.title),
        slug=publication.slug or data.get("slug", ""),
        also_called=list(data.get("also_called") or []),
        summary=data.get("summary", publication.summary),
        sections=[
            SectionText(
                None, s.get("kind", ""), s.get("heading", ""), tuple(reader_paragraphs(s.get("html"), keys))
            )
            for s in data.get("sections") or []
        ],
        short_answers=[
            AnswerText(
                None,
                a.get("question", ""),
                tuple(reader_paragraphs(a.get("answer_html"), keys)),
                tuple(reader_paragraphs(a.get("details_html"), keys)),
            )
            for a in data.get("short_answers") or []
        ],
        references=[
            ReferenceText(ref.get("key", ""), _reference_text(ref.get("text"))) for ref in references
        ],
    )


# --- matching ------------------------------------------------------------------------------------

Keyer = Callable[[Any], Hashable | None]


def _pair(old: Sequence, new: Sequence, keyers: Sequence[Keyer]) -> dict[int, int]:
    """Old index -> new index of matched items, trying each keyer in turn on what is left."""
    pairs: dict[int, int] = {}
    for keyer in keyers:
        taken = set(pairs.values())
        free: dict[Hashable, deque[int]] = defaultdict(deque)
        for j, item in enumerate(new):
            key = keyer(item)
            if j not in taken and key is not None:
                free[key].append(j)
        for i, item in enumerate(old):
            key = keyer(item)
            if i not in pairs and key is not None and free.get(key):
                pairs[i] = free[key].popleft()
    return pairs


def _kept_order(pairs: Mapping[int, int]) -> set[int]:
    """Old indices of the largest set of matched items still in the same order; the rest moved.

    A longest increasing subsequence, so adding or removing an item does not count its
    neighbours as moved. Quadratic, which is fine for the tens of items a page has.
    """
    olds = sorted(pairs)
    chains: list[list[int]] = []
    for k, i in enumerate(olds):
        before = (chains[m] for m in range(k) if pairs[olds[m]] < pairs[i])
        chains.append([*max(before, key=len, default=[]), i])
    return set(max(chains, key=len, default=[]))


def _rows(old_count: int, new_count: int, pairs: Mapping[int, int]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) rows in the new order, each removed item after its old predecessor."""
    old_of = {j: i for i, j in pairs.items()}
    rows: list[tuple[int | None, int | None]] = [(old_of.get(j), j) for j in range(new_count)]
    for i in range(old_count):
        if i in pairs:
            continue
        position = 0 if i == 0 else next(n for n, (o, _) in enumerate(rows) if o == i - 1) + 1
        rows.insert(position, (i, None))
    return rows


# --- the comparison ------------------------------------------------------------------------------


@dataclass(kw_only=True)
class ItemChange:
    """One section, short answer or reference: what happened to it between the two snapshots."""

    status: str  # ADDED, REMOVED, CHANGED or UNCHANGED
    old_number: int | None
    new_number: int | None
    moved: bool = False

    @property
    def description(self) -> str:
        text = {ADDED: "Added", REMOVED: "Removed", CHANGED: "Changed", UNCHANGED: "No changes"}[self.status]
        if self.moved:
            text += f"; moved from position {self.old_number} to {self.new_number}"
        return text + "."


@dataclass(kw_only=True)
class SectionChange(ItemChange):
    heading: str
    body: TextDiff
    heading_diff: TextDiff | None = None
    kind_change: tuple[str, str] | None = None


@dataclass(kw_only=True)
class AnswerChange(ItemChange):
    question: str
    answer: TextDiff
    details: TextDiff
    question_diff: TextDiff | None = None


@dataclass(kw_only=True)
class ReferenceChange(ItemChange):
    key: str
    text: TextDiff


@dataclass
class FieldChange:
    label: str
    diff: TextDiff


@dataclass
class Comparison:
    old: Snapshot
    new: Snapshot
    fields: list[FieldChange]
    sections: list[SectionChange]
    short_answers: list[AnswerChange]
    references: list[ReferenceChange]

    @property
    def has_changes(self) -> bool:
        items = [*self.sections, *self.short_answers, *self.references]
        return bool(self.fields) or any(item.status != UNCHANGED or item.moved for item in items)

    def overview(self) -> list[str]:
        """One line per part of the page that changed, for the top of the comparison."""
        lines = [f"{change.label}: changed." for change in self.fields]
        for label, items in (
            ("Sections", self.sections),
            ("Short answers", self.short_answers),
            ("References", self.references),
        ):
            counts = [
                f"{sum(1 for item in items if item.status == status)} {status}"
                for status in (ADDED, REMOVED, CHANGED)
                if any(item.status == status for item in items)
            ]
            moved = sum(1 for item in items if item.moved)
            counts += [f"{moved} moved"] if moved else []
            if counts:
                lines.append(f"{label}: {', '.join(counts)}.")
        return lines or ["No differences."]


def _status(old: object | None, new: object | None, changed: bool) -> str:
    if old is None:
        return ADDED
    if new is None:
        return REMOVED
    return CHANGED if changed else UNCHANGED


def _optional_diff(old: str | None, new: str | None) -> TextDiff | None:
    """A diff of a short text (heading, question) only where both sides have it and it changed."""
    if old is None or new is None or old == new:
        return None
    return diff_paragraphs([old], [new])


def _kind_label(kind: str) -> str:
    return Section.Kind(kind).label if kind in Section.Kind.values else kind


def _section_change(old: SectionText | None, new: SectionText | None, **place: Any) -> SectionChange:
    body = diff_paragraphs(old.paragraphs if old else (), new.paragraphs if new else ())
    heading_diff = _optional_diff(old and old.heading, new and new.heading)
    kind_change = None
    if old and new and old.kind != new.kind:
        kind_change = (_kind_label(old.kind), _kind_label(new.kind))
    changed = body.changed or heading_diff is not None or kind_change is not None
    return SectionChange(
        status=_status(old, new, changed),
        heading=(new or old).heading,
        body=body,
        heading_diff=heading_diff,
        kind_change=kind_change,
        **place,
    )


def _answer_change(old: AnswerText | None, new: AnswerText | None, **place: Any) -> AnswerChange:
    answer = diff_paragraphs(old.answer if old else (), new.answer if new else ())
    details = diff_paragraphs(old.details if old else (), new.details if new else ())
    question_diff = _optional_diff(old and old.question, new and new.question)
    changed = answer.changed or details.changed or question_diff is not None
    return AnswerChange(
        status=_status(old, new, changed),
        question=(new or old).question,
        answer=answer,
        details=details,
        question_diff=question_diff,
        **place,
    )


def _reference_change(old: ReferenceText | None, new: ReferenceText | None, **place: Any) -> ReferenceChange:
    text = diff_paragraphs([old.text] if old else [], [new.text] if new else [])
    return ReferenceChange(status=_status(old, new, text.changed), key=(new or old).key, text=text, **place)


def _compare_items(old: Sequence, new: Sequence, keyers: Sequence[Keyer], build: Callable) -> list:
    pairs = _pair(old, new, keyers)
    kept = _kept_order(pairs)
    return [
        build(
            old[i] if i is not None else None,
            new[j] if j is not None else None,
            old_number=None if i is None else i + 1,
            new_number=None if j is None else j + 1,
            moved=i is not None and j is not None and i not in kept,
        )
        for i, j in _rows(len(old), len(new), pairs)
    ]


# Sections match by row id where both sides have one, then by kind and heading, then (for a
# renamed heading) by kind alone, except "other", which says nothing about the content.
SECTION_KEYS: tuple[Keyer, ...] = (
    lambda s: s.row_id,
    lambda s: (s.kind, s.heading.casefold()),
    lambda s: s.kind if s.kind != Section.Kind.OTHER else None,
)
ANSWER_KEYS: tuple[Keyer, ...] = (lambda a: a.row_id, lambda a: a.question.casefold())
REFERENCE_KEYS: tuple[Keyer, ...] = (lambda r: r.key,)


def _address(slug: str) -> str:
    return f"/conditions/{slug}/" if slug else ""


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    """What changed from ``old`` to ``new``: fields, sections, short answers and references."""
    fields = [
        FieldChange(label, diff)
        for label, before, after in (
            ("Name", [old.name], [new.name]),
            ("Public address", [_address(old.slug)], [_address(new.slug)]),
            ("Also called", old.also_called, new.also_called),
            ("Summary", _lines(old.summary), _lines(new.summary)),
        )
        if (diff := diff_paragraphs([p for p in before if p], [p for p in after if p])).changed
    ]
    return Comparison(
        old=old,
        new=new,
        fields=fields,
        sections=_compare_items(old.sections, new.sections, SECTION_KEYS, _section_change),
        short_answers=_compare_items(old.short_answers, new.short_answers, ANSWER_KEYS, _answer_change),
        references=_compare_items(old.references, new.references, REFERENCE_KEYS, _reference_change),
    )
