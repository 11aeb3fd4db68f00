"""Public search over live condition pages, on SQLite (FTS5) or PostgreSQL (tsvector) alike.

The workflow keeps one :class:`SearchDocument` per live page (``index`` on going live, ``remove``
on unpublishing), so drafts and withdrawn pages are never found. Its text columns are *folded*
(lower case, accents removed) and each backend indexes them with English stemming. A query is cut
down to plain word tokens before it reaches the database, so no input can be read as query
syntax. Ranking and snippets are made here in Python, once for both backends: pages whose name or
other name matches come first, then the backend's relevance score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from math import ceil

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Condition, Publication, SearchDocument

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

# SQLite: the FTS5 table conditions_search_fts (made by migration 0004) mirrors each document's
# columns under rowid = the document's id. bm25's column weights (name, synonyms, summary, body)
# count a match in a page's names most; lower scores are better.
_SQLITE_MATCH = (
    "SELECT d.condition_id, d.name, d.synonyms, bm25(conditions_search_fts, 10.0, 8.0, 3.0, 1.0) "
    "FROM conditions_search_fts "
    "JOIN conditions_searchdocument AS d ON d.id = conditions_search_fts.rowid "
    "JOIN conditions_condition AS c ON c.id = d.condition_id "
    "WHERE conditions_search_fts MATCH %s AND c.live_publication_id IS NOT NULL"
)
_SQLITE_DELETE = "DELETE FROM conditions_search_fts WHERE rowid = %s"
_SQLITE_INSERT = (
    "INSERT INTO conditions_search_fts (rowid, name, synonyms, summary, body) VALUES (%s, %s, %s, %s, %s)"
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


class _TextExtractor(HTMLParser):
    """Reader-visible text of sanitised page HTML, without citation numbers."""

    BLOCKS = frozenset({
        "blockquote", "br", "dd", "div", "dt", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
        "table", "td", "th", "tr", "ul",
    })  # fmt: skip
    # Blocks whose text runs into the next one's on one line ("Fever Headaches") unless it ends
    # in punctuation: a separator keeps a list readable in a snippet ("Fever · Headaches").
    SEPARATED = frozenset({"blockquote", "dd", "dt", "h3", "h4", "h5", "h6", "li", "p", "pre", "td", "th"})
    SKIPPED_CLASSES = frozenset({"citation", "citation-unknown"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: str | None = None
        self._depth = 0
        self._last = ""  # the last character of text written, ignoring spaces
        self._after_citation = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            self._depth += tag == self._skipping
        elif set((dict(attrs).get("class") or "").split()) & self.SKIPPED_CLASSES:
            self._skipping, self._depth = tag, 1
            # "claim [@key]." reads "claim." without its number, not "claim ."
            if self.parts and self.parts[-1][-1:].isspace():
                self.parts[-1] = self.parts[-1].rstrip()
                self._after_citation = True
        elif tag in {"ol", "ul"}:  # a nested list: "Fever · high or lasting"
            self._separate()
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            self._depth -= tag == self._skipping
            if self._depth == 0:
                self._skipping = None
        elif tag in self.SEPARATED:
            self._separate()
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def _separate(self) -> None:
        if self._last and self._last not in ".!?:;·":
            self.parts.append(" · ")
            self._last = "·"
        else:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._after_citation and data[:1].isalnum():
            self.parts.append(" ")
        self._after_citation = False
        self.parts.append(data)
        self._last = data.rstrip()[-1:] or self._last


def html_to_text(html: str) -> str:
    """Plain text of frozen page HTML, as a reader would see it (blocks become spaces)."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    return " ".join("".join(extractor.parts).split()).rstrip(" ·")


@dataclass(frozen=True)
class PageText:
    """The searchable text of one publication, as written (not folded)."""

    name: str
    synonyms: list[str]
    summary: str
    body: str


def page_text(publication: Publication) -> PageText:
    """Name, other names, summary and body text (headings, sections, short answers) of a publication."""
    data = publication.structured_data or {}
    parts = []
    for section in data.get("sections", []):
        parts.append(f"{section.get('heading', '')}: {html_to_text(section.get('html', ''))}")
    for answer in data.get("short_answers", []):
        parts.append(answer.get("question", ""))
        parts.append(html_to_text(answer.get("answer_html", "")))
        parts.append(html_to_text(answer.get("details_html", "")))
    return PageText(
        name=data.get("name") or publication.title,
        synonyms=list(data.get("also_called", [])),
        summary=data.get("summary", publication.summary) or "",
        body=" ".join(part for part in parts if part.strip()),
    )


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
    if connection.vendor == "sqlite":
        _write_fts_row(document)
    elif connection.vendor == "postgresql":
        SearchDocument.objects.filter(pk=document.pk).update(
            vector=SearchVector("name", "synonyms", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
    return document


def _indexed(text: str) -> str:
    """``text`` as stored for search: its folded words, space-separated.

    Only the words, as queries are only words: PostgreSQL's parser would otherwise read "<script>
    is" in a page as an HTML tag and index nothing after it, or "nhs.uk" as one host name.
    """
    return " ".join(words(text))


def _write_fts_row(document: SearchDocument) -> None:
    # Delete first: FTS5 has no upsert, and a row left under this rowid (say by a flush that
    # emptied the documents but not the virtual table) must not survive.
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_DELETE, [document.pk])
        cursor.execute(
            _SQLITE_INSERT, [document.pk, document.name, document.synonyms, document.summary, document.body]
        )


def remove(condition: Condition) -> None:
    """Take ``condition`` out of search (it is no longer live)."""
    document = SearchDocument.objects.filter(condition=condition).first()
    if document is None:
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(_SQLITE_DELETE, [document.pk])
    document.delete()


def rebuild() -> int:
    """Index every live page afresh and drop everything else; returns how many pages were indexed.

    For after a database restore or a switch of backend, when the index may not match the pages.
    """
    with transaction.atomic():
        SearchDocument.objects.filter(condition__live_publication__isnull=True).delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM conditions_search_fts")
        count = 0
        for condition in list(Condition.objects.live()):
            index(condition)
            count += 1
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

    Two queries whatever the number of matches: one for every match's id, names and score (to
    rank them), one for the requested page's publications (to show them).
    """
    cleaned = " ".join(query[:MAX_QUERY_LENGTH].split())
    terms = search_terms(cleaned)
    if not terms:
        return SearchPage(query=cleaned, terms=[], per_page=per_page)
    tokens = words(cleaned)
    matches = _BACKENDS[connection.vendor](terms)
    matches.sort(key=lambda match: (_tier(match, tokens, terms), match.score, match.name))
    result = SearchPage(query=cleaned, terms=terms, total=len(matches), per_page=per_page)
    result.page = min(max(1, page), result.num_pages)
    start = (result.page - 1) * per_page
    result.results = _results([m.condition_id for m in matches[start : start + per_page]], terms)
    return result


def _match_sqlite(terms: Sequence[str]) -> list[_Match]:
    # Each term quoted (a phrase: no operator or column name can be read from it) and starred
    # (a prefix, for words still being typed); side by side they must all match.
    expression = " ".join(f'"{term}"*' for term in terms)
    with connection.cursor() as cursor:
        # Joined to the documents: rows of the FTS table without one (a flushed test database)
        # are never shown.
        cursor.execute(_SQLITE_MATCH, [expression])
        return [_Match(*row) for row in cursor.fetchall()]


def _match_postgresql(terms: Sequence[str]) -> list[_Match]:
    # Terms are letters and digits only, so "term:*" joined by "&" is always valid tsquery syntax.
    query = SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config="english")
    rows = (
        SearchDocument.objects.filter(vector=query, condition__live_publication__isnull=False)
        .annotate(rank=SearchRank("vector", query, weights=_TS_WEIGHTS))
        .values_list("condition_id", "name", "synonyms", "rank")
    )
    return [_Match(condition_id, name, synonyms, -rank) for condition_id, name, synonyms, rank in rows]


_BACKENDS = {"sqlite": _match_sqlite, "postgresql": _match_postgresql}


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
        "live_publication__title",
        "live_publication__summary",
        "live_publication__structured_data",
    )
    by_id = {condition.pk: condition for condition in conditions}
    results = []
    for condition_id in condition_ids:
        condition = by_id.get(condition_id)
        if condition is None:  # unpublished between the two queries
            continue
        text = page_text(condition.live_publication)
        results.append(
            SearchResult(
                name=text.name,
                slug=condition.slug,
                url=condition.get_absolute_url(),
                summary=text.summary,
                also_called=text.synonyms,
                snippet=best_snippet(text, terms),
            )
        )
    return results


# --- snippets ----------------------------------------------------------------------------------


def best_snippet(text: PageText, terms: Sequence[str]) -> SafeString:
    """Words around the first match in the summary, else in the body, else the summary's start."""
    for field_text in (text.summary, text.body):
        found = snippet(field_text, terms)
        if found is not None:
            return found
    return snippet(text.summary or text.body, (), require_match=False) or mark_safe("")


def snippet(
    text: str, terms: Sequence[str], *, size: int = SNIPPET_WORDS, require_match: bool = True
) -> SafeString | None:
    """About ``size`` words of ``text`` around the first word matching a term, matches in <mark>.

    Made from the text as written; each word is folded only to compare it, so accents, case and
    plurals match as in the search itself. Everything is escaped. None if nothing matches (and
    ``require_match``).
    """
    chunks = unicodedata.normalize("NFC", text).split()
    hit = next((i for i, chunk in enumerate(chunks) if _highlight(chunk, terms)[1]), None)
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
