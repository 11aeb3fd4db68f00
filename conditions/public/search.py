"""Public search over live condition pages, on SQLite (FTS5) or PostgreSQL (tsvector) alike.

The workflow keeps one :class:`SearchDocument` per live page (``index`` on going live, ``remove``
on unpublishing), so drafts and withdrawn pages are never found. Its text columns are *folded*
(lower case, accents removed) and each backend indexes them with English stemming. A query is cut
down to plain word tokens before it reaches the database, so no input can be read as query
syntax. Pages whose names hold every word come first, ranked here in Python, once for both
backends (they are few); the rest, however many, are counted and ranked inside the database, which
returns only the page of results asked for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from math import ceil
from typing import Protocol

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import F
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from conditions.models import Condition, Publication, SearchDocument
from conditions.publishedpage import PublishedPage
from medsite.htmltext import html_to_text

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
PER_PAGE = 10
SNIPPET_WORDS = 30

# Letters and digits only: "_" is a word character to Python but a separator to FTS5 and to
# PostgreSQL's parser, and anything else could be read as query syntax.
_WORD = re.compile(r"[^\W_]+")

# Words too common to narrow a search. PostgreSQL's English configuration drops them anyway;
# dropping them here makes SQLite (which keeps them) find the same pages.
STOP_WORDS = frozenset({
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have",
    "how", "i", "if", "in", "into", "is", "it", "its", "may", "me", "might", "my", "no", "not", "of",
    "on", "or", "our", "should", "so", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "to", "was", "we", "were", "what", "when", "where", "which", "who",
    "why", "will", "with", "would", "you", "your",
})  # fmt: skip

# SQLite: the FTS5 table conditions_search_fts (migrations 0004 and 0007) indexes the documents'
# columns under rowid = the document's id, kept in step by triggers. bm25's column weights (name,
# synonyms, summary, body) count a match in a page's names most; lower scores are better.
_SQLITE_NAMED = (
    "SELECT d.id, d.condition_id, d.name, d.synonyms, bm25(conditions_search_fts, 10.0, 8.0, 3.0, 1.0) "
    "FROM conditions_search_fts JOIN conditions_searchdocument AS d ON d.id = conditions_search_fts.rowid "
    "WHERE conditions_search_fts MATCH %s"
)
_SQLITE_COUNT = "SELECT count(*) FROM conditions_search_fts WHERE conditions_search_fts MATCH %s"
# The page is picked from the index alone (rowid and score); only its rows are joined. {excluding}
# is a list of %s placeholders, one per excluded document.
_SQLITE_RANKED = (
    "SELECT d.condition_id FROM ("
    "SELECT rowid AS id, bm25(conditions_search_fts, 10.0, 8.0, 3.0, 1.0) AS score "
    "FROM conditions_search_fts WHERE conditions_search_fts MATCH %s {excluding} "
    "ORDER BY score, rowid LIMIT %s OFFSET %s"
    ") AS ranked JOIN conditions_searchdocument AS d ON d.id = ranked.id ORDER BY ranked.score, ranked.id"
)
# ts_rank weights, in PostgreSQL's order D, C, B, A (A = names, B = summary, C = body).
_TS_WEIGHTS = [0.05, 0.2, 0.4, 1.0]


# --- text --------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents: "Sjögren" -> "sjogren", so either spelling finds the other."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """The folded word tokens of ``text``."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4096)  # asked of every word of every name ranked: the same few words
def _stems(term: str) -> tuple[str, ...]:
    """``term`` and its forms without a plural or verb ending, so "migraines" finds "migraine".

    A light stand-in for the backends' stemmers, used only to rank names and to highlight.
    """
    forms = [term]
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if term.endswith(suffix) and not term.endswith("ss"):
            forms.append(term[: -len(suffix)])
    return tuple(form for form in forms if len(form) >= 3 or form == term)


def _matches(word: str, term: str) -> bool:
    """Whether a folded ``word`` of the text is what a user typing ``term`` is looking for."""
    return word.startswith(_stems(term))


def _same_word(a: str, b: str) -> bool:
    """Equal, or one is the other with a plural or verb ending ("migraines", "migraine")."""
    return a == b or a in _stems(b) or b in _stems(a)


@dataclass(frozen=True)
class PageText:
    """The searchable text of one publication, as written (not folded)."""

    name: str
    synonyms: list[str]
    summary: str
    body: str


def page_text(publication: Publication) -> PageText:
    """Name, other names, summary and body text (headings, sections, short answers) of a publication."""
    page = publication.page
    return PageText(
        name=page.name or publication.title,
        synonyms=list(page.also_called),
        summary=page.summary,
        body=" ".join(body_parts(page)),
    )


def body_parts(page: PublishedPage) -> Iterator[str]:
    """The body's text a part at a time (a section with its heading, a question, an answer), made
    as it is asked for: a snippet needs only the parts up to its first match."""
    for section in page.sections:
        yield f"{section.heading}: {html_to_text(section.html)}"
    for answer in page.short_answers:
        for part in (answer.question, html_to_text(answer.answer_html), html_to_text(answer.details_html)):
            if part.strip():
                yield part


# --- keeping the index current -----------------------------------------------------------------


def index(condition: Condition) -> SearchDocument | None:
    """Make the search document match ``condition``'s live publication (or remove it if none).

    Called by the workflow inside its transaction, so a transition that rolls back leaves the
    index as it was.
    """
    publication = condition.live_publication
    if publication is None:
        remove(condition)
        return None
    text = page_text(publication)
    document, _ = SearchDocument.objects.update_or_create(
        condition=condition,
        defaults={
            "name": _indexed(text.name),
            "synonyms": "\n".join(_indexed(synonym) for synonym in text.synonyms),
            "summary": _indexed(text.summary),
            "body": _indexed(text.body),
        },
    )
    # SQLite's FTS5 index follows the document by triggers (migration 0007).
    if connection.vendor == "postgresql":
        head = SearchVector("name", "synonyms", weight="A", config="english") + SearchVector(
            "summary", weight="B", config="english"
        )
        SearchDocument.objects.filter(pk=document.pk).update(
            vector=head + SearchVector("body", weight="C", config="english"), head_vector=head
        )
    return document


def _indexed(text: str) -> str:
    """``text`` as stored for search: its folded words, space-separated.

    Only the words, as queries are only words: PostgreSQL's parser would otherwise read "<script>
    is" in a page as an HTML tag and index nothing after it, or "nhs.uk" as one host name.
    """
    return " ".join(words(text))


def remove(condition: Condition) -> None:
    """Take ``condition`` out of search (it is no longer live)."""
    SearchDocument.objects.filter(condition=condition).delete()


def rebuild() -> int:
    """Index every live page afresh and drop everything else; returns how many pages were indexed.

    For after a database restore or a switch of backend, when the index may not match the pages.
    """
    with transaction.atomic():
        SearchDocument.objects.filter(condition__live_publication__isnull=True).delete()
        count = 0
        for condition in list(Condition.objects.live()):
            index(condition)
            count += 1
        if connection.vendor == "sqlite":
            # Read every document afresh, whatever the index held before (a copied database file).
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO conditions_search_fts (conditions_search_fts) VALUES ('rebuild')")
    return count


# --- searching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    name: str
    slug: str
    url: str
    summary: str
    also_called: list[str]
    snippet: SafeString


@dataclass
class SearchPage:
    """One page of results for ``query`` (as searched: trimmed and capped)."""

    query: str
    terms: list[str]
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def searched(self) -> bool:
        """False when the query had no words to search for (nothing was looked up)."""
        return bool(self.terms)

    @property
    def num_pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1

    @property
    def start_index(self) -> int:
        """The position of this page's first result in the whole list (for ``<ol start>``)."""
        return (self.page - 1) * self.per_page + 1

    @property
    def page_numbers(self) -> list[int | None]:
        """Page links to show: the first, the last, and two either side of this one; None = a gap."""
        shown = {1, self.num_pages, *range(self.page - 2, self.page + 3)}
        numbers: list[int | None] = []
        for number in sorted(n for n in shown if 1 <= n <= self.num_pages):
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


@dataclass(frozen=True)
class _Match:
    document_id: int
    condition_id: int
    name: str  # folded
    synonyms: str  # folded, one per line
    score: float  # lower is better


def search_terms(query: str) -> list[str]:
    """The words of ``query`` to look for: at most MAX_TERMS, common words dropped where others remain."""
    tokens = list(dict.fromkeys(words(query[:MAX_QUERY_LENGTH])))
    meaningful = [token for token in tokens if token not in STOP_WORDS]
    return (meaningful or tokens)[:MAX_TERMS]


def search(query: str, *, page: int = 1, per_page: int = PER_PAGE) -> SearchPage:
    """Live pages matching every word of ``query`` (each as a prefix), best first.

    First the pages whose name or other names hold every word, the page named exactly by the
    query before them (ranked here: they are few, however common the word); then every other
    match by the backend's relevance score. At most four queries whatever the number of matches:
    the pages matching in their names, the count of all matches, the requested page of the others
    (when the page reaches past the first kind), and that page's publications (to show them).
    """
    cleaned = " ".join(query[:MAX_QUERY_LENGTH].split())
    terms = search_terms(cleaned)
    if not terms:
        return SearchPage(query=cleaned, terms=[], per_page=per_page)
    tokens = words(cleaned)
    backend = _BACKENDS[connection.vendor]
    with backend.reading():
        tiered = ((_tier(match, tokens, terms), match) for match in backend.named(terms))
        named = [match for tier, match in sorted(tiered, key=_order) if tier < 2]
        result = SearchPage(query=cleaned, terms=terms, total=backend.count(terms), per_page=per_page)
        result.page = min(max(1, page), result.num_pages)
        start = (result.page - 1) * per_page
        ids = [match.condition_id for match in named[start : start + per_page]]
        if len(ids) < per_page and result.total > len(named):
            excluded = [match.document_id for match in named]
            offset = max(0, start - len(named))
            ids += backend.ranked(terms, excluded=excluded, offset=offset, limit=per_page - len(ids))
    result.results = _results(ids, terms)
    return result


def _order(tiered: tuple[int, _Match]) -> tuple:
    tier, match = tiered
    return tier, match.score, match.name


class _SQLite:
    """FTS5: each term quoted (a phrase: no operator or column name can be read from it) and
    starred (a prefix, for words still being typed); side by side they must all match."""

    reading = staticmethod(nullcontext)

    @staticmethod
    def _expression(terms: Sequence[str]) -> str:
        return " ".join(f'"{term}"*' for term in terms)

    @classmethod
    def named(cls, terms: Sequence[str]) -> list[_Match]:
        with connection.cursor() as cursor:
            cursor.execute(_SQLITE_NAMED, [f"{{name synonyms}} : ({cls._expression(terms)})"])
            return [_Match(*row) for row in cursor.fetchall()]

    @classmethod
    def count(cls, terms: Sequence[str]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_SQLITE_COUNT, [cls._expression(terms)])
            return cursor.fetchone()[0]

    @classmethod
    def ranked(cls, terms: Sequence[str], *, excluded: Sequence[int], offset: int, limit: int) -> list[int]:
        excluding = f"AND rowid NOT IN ({', '.join(['%s'] * len(excluded))})" if excluded else ""
        sql = _SQLITE_RANKED.format(excluding=excluding)
        with connection.cursor() as cursor:
            cursor.execute(sql, [cls._expression(terms), *excluded, limit, offset])
            return [row[0] for row in cursor.fetchall()]


class _PostgreSQL:
    """tsquery: terms are letters and digits only, so "term:*" joined by "&" is always valid.

    Matches are found through the GIN indexes alone. Ranking a match by its whole text means
    reading its whole vector, which for thousands of matches takes longer than a reader should
    wait: those outside the first tiers are ranked by their names and summary (``head_vector``),
    then by age.
    """

    @staticmethod
    def _query(terms: Sequence[str], weights: str = "") -> SearchQuery:
        raw = " & ".join(f"{term}:*{weights}" for term in terms)
        return SearchQuery(raw, search_type="raw", config="english")

    @classmethod
    def named(cls, terms: Sequence[str]) -> list[_Match]:
        # Weight A is the name and other names (see index()).
        query = cls._query(terms)
        rows = (
            SearchDocument.objects.filter(head_vector=cls._query(terms, "A"))
            .annotate(rank=SearchRank(F("head_vector"), query, weights=_TS_WEIGHTS))
            .values_list("id", "condition_id", "name", "synonyms", "rank")
        )
        return [_Match(*row[:4], score=-row[4]) for row in rows]

    @classmethod
    def count(cls, terms: Sequence[str]) -> int:
        return SearchDocument.objects.filter(vector=cls._query(terms)).count()

    @classmethod
    def ranked(cls, terms: Sequence[str], *, excluded: Sequence[int], offset: int, limit: int) -> list[int]:
        query = cls._query(terms)
        rows = (
            SearchDocument.objects.filter(vector=query)
            .exclude(pk__in=excluded)
            .annotate(rank=SearchRank(F("head_vector"), query, weights=_TS_WEIGHTS))
            .order_by("-rank", "pk")
            .values_list("condition_id", flat=True)
        )
        return list(rows[offset : offset + limit])

    @staticmethod
    @contextmanager
    def reading() -> Iterator[None]:
        """Find matches through the GIN indexes even when most pages match.

        The planner prices testing a row's vector as if it were free and, when many rows match,
        reads the whole table instead, decompressing every page's vector: several times slower
        at 10,000 pages.
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            yield


class _Backend(Protocol):
    """What :func:`search` asks of a database's full text search (the classes above)."""

    def reading(self) -> AbstractContextManager[None]: ...
    def named(self, terms: Sequence[str]) -> list[_Match]: ...
    def count(self, terms: Sequence[str]) -> int: ...
    def ranked(
        self, terms: Sequence[str], *, excluded: Sequence[int], offset: int, limit: int
    ) -> list[int]: ...


_BACKENDS: dict[str, _Backend] = {"sqlite": _SQLite, "postgresql": _PostgreSQL}


def _tier(match: _Match, tokens: Sequence[str], terms: Sequence[str]) -> int:
    """0: the query is the page's name or another name; 1: every term is in its names; 2: elsewhere."""
    names = [match.name, *match.synonyms.splitlines()]
    for name in names:
        name_tokens = _WORD.findall(name)
        if len(name_tokens) == len(tokens) and all(
            _same_word(word, token) for word, token in zip(name_tokens, tokens, strict=True)
        ):
            return 0
    name_words = [word for name in names for word in _WORD.findall(name)]
    if all(any(_matches(word, term) for word in name_words) for term in terms):
        return 1
    return 2


def _results(condition_ids: list[int], terms: Sequence[str]) -> list[SearchResult]:
    conditions = Condition.objects.filter(pk__in=condition_ids, live_publication__isnull=False)
    conditions = conditions.select_related("live_publication").only(
        "slug",
        "live_publication__slug",
        "live_publication__title",
        "live_publication__summary",
        "live_publication__structured_data",
    )
    by_id = {condition.pk: condition for condition in conditions}
    results = []
    for condition_id in condition_ids:
        condition = by_id.get(condition_id)
        if condition is None:  # unpublished between the queries
            continue
        publication = condition.live_publication
        page = publication.page
        results.append(
            SearchResult(
                name=page.name or publication.title,
                slug=condition.public_slug,
                url=condition.get_absolute_url(),
                summary=page.summary,
                also_called=list(page.also_called),
                snippet=best_snippet(page.summary, body_parts(page), terms),
            )
        )
    return results


# --- snippets ----------------------------------------------------------------------------------


def best_snippet(summary: str, body: Iterable[str], terms: Sequence[str]) -> SafeString:
    """Words around the first match in the summary, else in the first part of the body (a section,
    a question, an answer) with one, else the start of the summary (or of the body, if none)."""
    found = snippet(summary, terms)
    if found is not None:
        return found
    first = None
    for part in body:
        first = part if first is None else first
        found = snippet(part, terms)
        if found is not None:
            return found
    return snippet(summary or first or "", (), require_match=False) or mark_safe("")


def snippet(
    text: str, terms: Sequence[str], *, size: int = SNIPPET_WORDS, require_match: bool = True
) -> SafeString | None:
    """About ``size`` words of ``text`` around the first word matching a term, matches in <mark>.

    Made from the text as written; each word is folded only to compare it, so accents, case and
    plurals match as in the search itself. Everything is escaped. None if nothing matches (and
    ``require_match``).
    """
    chunks = unicodedata.normalize("NFC", text).split()
    # Most texts hold no term at all: a plain substring test over the folded text says so cheaply
    # (a matching word contains one of the term's forms), before any word is looked at one by one.
    forms = [form for term in terms for form in _stems(term)]
    folded = fold(text) if forms else ""
    if any(form in folded for form in forms):
        hit = next((i for i, chunk in enumerate(chunks) if _highlight(chunk, terms)[1]), None)
    else:
        hit = None
    if hit is None:
        if require_match or not chunks:
            return None
        hit = 0
    start = max(0, min(hit - size // 3, len(chunks) - size))
    shown = [_highlight(chunk, terms)[0] for chunk in chunks[start : start + size]]
    before = "… " if start > 0 else ""
    after = " …" if start + size < len(chunks) else ""
    return mark_safe(before + " ".join(shown) + after)  # noqa: S308 - every piece escaped by _highlight


def _highlight(chunk: str, terms: Sequence[str]) -> tuple[str, bool]:
    """``chunk`` (one whitespace-free piece of text) escaped, its matching words in <mark>."""
    out, position, marked = [], 0, False
    for word in _WORD.finditer(chunk):
        if any(_matches(fold(word.group()), term) for term in terms):
            out += [escape(chunk[position : word.start()]), format_html("<mark>{}</mark>", word.group())]
            position, marked = word.end(), True
    out.append(escape(chunk[position:]))
    return "".join(out), marked
