"""Reading files into documents: each file is read (medsite/textfiles.py), refused if it holds
control characters or looks cut short, and parsed in whichever format it is in."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from conditions.models import Condition
from medsite.textfiles import ImportProblem, read_text
from medsite.validators import CONTROL_CHARACTERS, describe

from .boilerplate import repeated_lines
from .cards import is_short_answer_card, parse_short_answer_card
from .documents import ImportDocument
from .fetching import Fetched, fetch_pages
from .pages import date_line, parse_condition_page
from .text import normalise
from .webpages import WebPage, is_html, parse_html_page, read_web_page

# A page as read: its text, a web page's main content, or why it cannot be read.
Read = str | WebPage | ImportProblem


@dataclass
class Loaded:
    """One file or URL of an import: its document, or why it cannot be imported."""

    source: str  # as given: the path or the URL
    document: ImportDocument | None = None
    problem: str = ""  # a sentence naming the source


def check_options(*, title: str | None, slug: str | None) -> None:
    """Raise ImportProblem for a --title or --slug that no page could have."""
    if slug is not None and not re.fullmatch(r"[-a-z0-9_]+", slug):
        raise ImportProblem(f"--slug “{slug}” is not a slug: use lowercase letters, digits and hyphens.")
    longest = Condition._meta.get_field("name").max_length or 0  # a CharField always has one
    if title is not None and not 0 < len(title.strip()) <= longest:
        raise ImportProblem("--title must be given as 1 to 200 characters.")
    if title is not None and CONTROL_CHARACTERS.search(title):
        raise ImportProblem(
            "--title must be one line, without line breaks, tabs or other control characters."
        )


def read_documents(
    paths: Iterable[str | Path],
    *,
    urls: Sequence[str] = (),
    title: str | None = None,
    slug: str | None = None,
) -> list[Loaded]:
    """Read and parse every file, and fetch and parse every URL (:mod:`.fetching`), each on its
    own: one that fails says why in its ``problem``. Raises ImportProblem only for a --title or
    --slug no page could have."""
    check_options(title=title, slug=slug)
    read: list[tuple[Path | str, Read]] = [_read(Path(path)) for path in paths]
    read += [_fetched(page) for page in fetch_pages(urls)]
    # Lines most pages of the import share, files and web pages alike, are the site's chrome
    # (boilerplate.repeated_lines).
    repeated = repeated_lines([_comparable(text) for _, text in read if not isinstance(text, ImportProblem)])
    return [_parse(source, text, title=title, slug=slug, repeated=repeated) for source, text in read]


def _read(path: Path) -> tuple[Path, Read]:
    """The file's text (a web page's main content), or why it cannot be read: each once."""
    try:
        text = read_text(path)
        refuse_control_characters(text, path)
        if not is_html(text):
            return path, text
        return path, read_web_page(text, source=path.name)
    except ImportProblem as exc:
        return path, exc


def _fetched(page: Fetched) -> tuple[str, Read]:
    if page.problem:
        return page.url, ImportProblem(f"{page.url}: {page.problem}")
    try:
        refuse_control_characters(page.text, page.url)
        return page.url, read_web_page(page.text, source=page.url)
    except ImportProblem as exc:
        return page.url, exc


def _comparable(text: str | WebPage) -> str:
    return text.layout if isinstance(text, WebPage) else text


def _parse(
    source: Path | str, text: Read, *, title: str | None, slug: str | None, repeated: Collection[str]
) -> Loaded:
    name = source if isinstance(source, str) else source.name
    try:
        if isinstance(text, ImportProblem):
            raise text
        if isinstance(text, WebPage):
            document = parse_html_page(text, source=name, title=title, slug=slug, repeated=repeated)
        else:
            refuse_cut_short(text, source)
            document = parse_document(text, source=name, title=title, slug=slug, repeated=repeated)
    except ImportProblem as exc:
        return Loaded(str(source), problem=str(exc))
    document.origin = source if isinstance(source, str) else str(source.resolve())
    return Loaded(str(source), document)


def load_documents(
    paths: Iterable[str | Path], *, title: str | None = None, slug: str | None = None
) -> list[ImportDocument]:
    """Read and parse every file; raises one ImportProblem listing every file that failed."""
    loaded = read_documents(paths, title=title, slug=slug)
    problems = [item.problem for item in loaded if item.problem]
    if problems:
        raise ImportProblem("\n".join(problems))
    return [item.document for item in loaded if item.document is not None]


# Control characters that are not white space: no text means them (a terminal's escape sequence,
# stray bytes of a binary file). The white space ones (tab, form feed, the Unicode line and
# paragraph separators) are read as spaces and line breaks by normalise().
_NOT_TEXT = re.compile(r"[\x01-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def refuse_control_characters(text: str, path: Path | str) -> None:
    """Raise ImportProblem naming the first line of ``text`` that holds a control character which
    is not white space: it would reach the page invisibly, or break what a name is copied into."""
    found = list(_NOT_TEXT.finditer(text))
    if not found:
        return
    lines = sorted({text.count("\n", 0, match.start()) + 1 for match in found})
    more = f" (and {len(lines) - 1} more lines do)" if len(lines) > 1 else ""
    raise ImportProblem(
        f"{path}: line {lines[0]} holds {describe(found[0].group())}, which is not text{more}: "
        "remove it and import again."
    )


# How a complete text's last line ends: a sentence, a bracket or quote, a date or a link. The link
# is tried once per word, from its first "http": from each "http" in turn, a long word of them was
# rescanned to its end each time (quadratic).
_COMPLETE_ENDING = re.compile(r"""[.!?:;)\]}"”’'*…]$|(?<!\S)(?>\S*?https?://)\S++$""")


def refuse_cut_short(text: str, path: Path | str) -> None:
    """Raise ImportProblem if ``text`` stops mid-sentence with no final line break: a copy or
    download cut short, which would otherwise become a page with its end missing."""
    if text.endswith(("\n", "\r")):
        return
    last = text.rsplit("\n", 1)[-1].strip()
    if not last or _COMPLETE_ENDING.search(last) or date_line([last]):
        return
    raise ImportProblem(
        f"{path}: ends in the middle of a sentence (“…{last[-40:]}”) without a final line break: the "
        "file looks cut short. If it is complete, end it with a line break and import it again."
    )


def parse_document(
    text: str,
    *,
    source: str,
    title: str | None = None,
    slug: str | None = None,
    repeated: Collection[str] = (),
) -> ImportDocument:
    """Parse one file's text in whichever format it is in; raises ImportProblem if none.
    ``repeated``: the lines other files of the same import share (boilerplate.repeated_lines)."""
    if is_html(text):
        return parse_html_page(text, source=source, title=title, slug=slug, repeated=repeated)
    # normalise() drops the blank lines a file starts with: the report counts them back.
    first_line = 1 + next((n for n, line in enumerate(text.splitlines()) if line.strip()), 0)
    text = normalise(text)
    if is_short_answer_card(text):
        return parse_short_answer_card(text, source=source, title=title, slug=slug)
    return parse_condition_page(
        text, source=source, title=title, slug=slug, repeated=repeated, first_line=first_line
    )
