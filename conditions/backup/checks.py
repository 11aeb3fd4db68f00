"""Checking a backup's record as the admin checks what people type, and a publication's frozen
HTML against the site's sanitiser: a record that fails is refused, naming its field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import nh3
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, models

from conditions.models import Publication
from images import renditions
from images.models import Image
from medsite.markdown import ALLOWED_ATTRIBUTES, ALLOWED_CLASSES, ALLOWED_TAGS, URL_SCHEMES
from medsite.textfiles import ImportProblem
from references.models import Reference

from .contents import MODELS, foreign_keys


def check_record(obj: models.Model, record: dict, where: str) -> None:
    """Refuse a record the database could not store, the admin would not accept, or whose frozen
    HTML the site's sanitiser would change; the error names the field."""
    _check_numbers(obj, where)
    _check_choices(obj, record, where)
    if isinstance(obj, Publication):
        _check_frozen_html(obj, where)
    if isinstance(obj, Image):
        _check_image_file(obj, where)
    _validate(obj, record, where)


def _check_image_file(image: Image, where: str) -> None:
    """An image's file is named by its content's hash and format, and by nothing else: a name the
    backup chose (another folder, ``../``) would be read from storage as this image's."""
    sha = image.sha256
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ImportProblem(f"{where}: its “sha256” is not a SHA-256 hash (64 hexadecimal digits).")
    if image.format in renditions.EXTENSIONS and image.file.name != renditions.original_name(
        sha, image.format
    ):
        raise ImportProblem(
            f"{where}: its “file” is not the name the library gives its content "
            f"({renditions.original_name(sha, image.format)})."
        )


def _check_numbers(obj: models.Model, where: str) -> None:
    """Ids, foreign keys and counts within the range of their database column (a 10^30 id would
    otherwise fail inside the database driver)."""
    for model_field in obj._meta.concrete_fields:
        value = getattr(obj, model_field.attname)
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        column = model_field.target_field if isinstance(model_field, models.ForeignKey) else model_field
        kind = column.get_internal_type()
        if kind not in connection.ops.integer_field_ranges:
            continue
        low, high = connection.ops.integer_field_range(kind)
        if not low <= value <= high:
            raise ImportProblem(
                f"{where}: its “{model_field.name}”: {value} is outside what the database can store "
                f"({low} to {high})."
            )


def _check_choices(obj: models.Model, record: dict, where: str) -> None:
    """Fields with a fixed set of values, including those people never edit (a page's status),
    which the model's own validation skips."""
    for model_field in obj._meta.concrete_fields:
        if not model_field.choices or model_field.editable or model_field.name not in record["fields"]:
            continue
        value = getattr(obj, model_field.attname)
        known = [str(choice) for choice, _ in model_field.flatchoices]
        if value not in known and not (model_field.blank and value in model_field.empty_values):
            raise ImportProblem(
                f"{where}: its “{model_field.name}”: “{value}” is not one of {', '.join(known)}."
            )


def _validate(obj: models.Model, record: dict, where: str) -> None:
    """The model's validation, as the admin runs it on a form: every field's validators (length,
    slug, control characters), the model's ``clean()``, uniqueness."""
    exclude = {
        # Rows of the backup: checked by the restorer, against rows the file has not reached yet.
        *(fk.name for fk in foreign_keys(type(obj)) if fk.related_model in MODELS),
        # Fields an older backup does not have: given their defaults.
        *(f.name for f in obj._meta.concrete_fields if f.name not in record["fields"]),
    }
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = exc.message_dict
        if isinstance(obj, Reference) and obj.needs_accessed_date:
            # Imports store online sources without the date they were read; the publish gate
            # asks for it before a page citing one is reviewed.
            errors.pop("accessed_on", None)
        if errors:
            problems = "; ".join(
                " ".join(messages) if name == NON_FIELD_ERRORS else f"its “{name}”: {' '.join(messages)}"
                for name, messages in errors.items()
            )
            raise ImportProblem(f"{where}: {problems}") from exc


# --- frozen HTML ---------------------------------------------------------------------------------

# A publication's rendered Markdown (the sections, answers and reference list in its structured
# data) is checked against the renderer's own allow-lists (medsite/markdown.py). "rel" is kept as
# written rather than added: the reference list's links (references/formatting.py) have none.
_LINK_ATTRIBUTES = {"a": ALLOWED_ATTRIBUTES["a"] | {"rel"}}
# Figures are written after the sanitiser, by images.figures, from the image's fields: the
# elements and attributes it writes, and (checked below) only the renditions the page froze.
_FIGURE_TAGS = {"figure", "picture", "source", "img", "figcaption", "small"}
_FIGURE_ATTRIBUTES = {
    "img": {"src", "srcset", "sizes", "width", "height", "alt", "decoding", "loading"},
    "source": {"type", "srcset", "sizes"},
}
_FIGURE_CLASSES = {"figure": {"figure"}, "small": {"figure-credit"}}
_FRAGMENT_RULES: dict[str, Any] = {
    "tags": ALLOWED_TAGS | _FIGURE_TAGS,
    "attributes": {**ALLOWED_ATTRIBUTES, **_LINK_ATTRIBUTES, **_FIGURE_ATTRIBUTES},
    "allowed_classes": {**ALLOWED_CLASSES, **_FIGURE_CLASSES},
}
# The page body (Publication.html) is that Markdown inside the page template
# (templates/conditions/_page_body.html): landmarks, headings, the review line, question cards.
# Inert structure only: what runs, loads or styles (script, style, iframe, img, form, event
# handlers, style attributes, javascript: URLs) is refused here as in the Markdown.
_PAGE_TAGS = {
    "article", "aside", "details", "div", "footer", "h1", "h2", "header", "nav", "section",
    "summary", "time",
}  # fmt: skip
_PAGE_RULES: dict[str, Any] = {
    "tags": ALLOWED_TAGS | _PAGE_TAGS | _FIGURE_TAGS,
    "attributes": {
        **ALLOWED_ATTRIBUTES,
        **_LINK_ATTRIBUTES,
        **_FIGURE_ATTRIBUTES,
        "*": {"class", "id", "role"},
        "time": {"datetime"},
    },
    "generic_attribute_prefixes": {"aria-"},
}
_VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def _check_frozen_html(publication: Publication, where: str) -> None:
    """Refuse a publication whose frozen HTML the site's sanitiser would change.

    Refused rather than sanitised: a publication is what a reviewer approved and the public read,
    and the site only ever froze sanitised HTML, so a difference means the file was altered (or
    written by a site with other rules); restoring it changed would be a page nobody reviewed.
    """
    pieces = [("“html”", publication.html, _PAGE_RULES)]
    pieces += [
        (f"“structured_data” ({name})", html, _FRAGMENT_RULES)
        for name, html in _html_in(publication.structured_data)
    ]
    frozen = _frozen_image_urls(publication.structured_data)
    for name, html, rules in pieces:
        written = _Markup.of(html)
        stray = next((url for url in _image_urls(written) if url not in frozen), None)
        if stray is not None:
            raise ImportProblem(
                f"{where}: its {name} shows an image the page did not freeze ({stray[:120]}); a "
                "publication shows only the renditions its structured data lists."
            )
        sanitised = _Markup.of(nh3.clean(html, url_schemes=URL_SCHEMES, link_rel=None, **rules))
        if written != sanitised:
            first = next(
                (mine for mine, kept in zip(written, sanitised, strict=False) if mine != kept),
                written[len(sanitised)] if len(written) > len(sanitised) else "its end",
            )
            raise ImportProblem(
                f"{where}: its {name} holds markup the site does not write (first: {first[:80]}); "
                "a publication is restored only as the site's sanitiser would leave it."
            )


def _frozen_image_urls(data: Any) -> set[str]:
    """The rendition addresses a publication's structured data froze (schema 3's ``images``)."""
    images = data.get("images") if isinstance(data, dict) else None
    urls: set[str] = set()
    for image in images if isinstance(images, list) else []:
        if not isinstance(image, dict):
            continue
        urls.add(str(image.get("src")))
        for rendition in image.get("renditions") or []:
            if isinstance(rendition, dict):
                urls.add(str(rendition.get("url")))
    return urls


_ATTRIBUTE = re.compile(r" (src|srcset)='([^']*)'| (src|srcset)=\"([^\"]*)\"")


def _image_urls(markup: list[str]) -> Iterator[str]:
    """The addresses the img and source elements of ``markup`` (as :class:`_Markup` gives it)
    load: their src, and each candidate of their srcset."""
    for item in markup:
        if not item.startswith(("<img ", "<source ")):
            continue
        for found in _ATTRIBUTE.finditer(item):
            name, value = (
                (found.group(1), found.group(2)) if found.group(1) else (found.group(3), found.group(4))
            )
            if name == "src":
                yield value
            else:
                yield from (candidate.split()[0] for candidate in value.split(",") if candidate.strip())


def _html_in(data: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """Each HTML string in a publication's structured data, named by where it is: "sections 1 html"."""
    if isinstance(data, dict):
        for key, value in data.items():
            is_html = (
                key == "html" or key.endswith("_html") or (path[:1] == ("references",) and key == "text")
            )
            if isinstance(value, str) and is_html:
                yield " ".join([*path, key]), value
            else:
                yield from _html_in(value, (*path, str(key)))
    elif isinstance(data, list):
        for number, item in enumerate(data, start=1):
            yield from _html_in(item, (*path, str(number)))


class _Markup(HTMLParser):
    """HTML as the elements, attributes and text it holds, however it is spelled (quoting,
    entities, attribute order), so two serialisations of the same markup compare equal."""

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser.items

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = "".join(f" {name}={value or ''!r}" for name, value in sorted(attrs))
        self.items.append(f"<{tag}{written}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID_ELEMENTS:
            self.items.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.items and not self.items[-1].startswith("<"):
            self.items[-1] += data
        else:
            self.items.append(data)

    def handle_comment(self, data: str) -> None:
        self.items.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.items.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.items.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.items.append(f"<![{data}]>")
