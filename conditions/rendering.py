"""Page assembly: a condition's working copy -> the page body HTML and its published page.

Approval freezes the result into a Publication; the staff preview renders the same way, so a
reviewer sees exactly what approval would publish. The comparison screens read pages through
:func:`render_texts` too, so they number citations and order references as the page does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from conditions.codes import parse_codes
from conditions.models import Condition
from conditions.pagecontent import PageContent, ReferenceContent, content_of, markdown_texts
from conditions.publishedpage import (
    SCHEMA_VERSION,
    PublishedAnswer,
    PublishedPage,
    PublishedReference,
    PublishedSection,
    ReviewInfo,
    question_slugs,
    section_anchors,
)
from medsite.markdown import render
from references.citations import CitationNumbering, format_reference
from references.models import Reference


@dataclass
class RenderedPage:
    html: str
    page: PublishedPage
    unknown_keys: list[str] = field(default_factory=list)
    references: list[ReferenceContent] = field(default_factory=list)  # in reference-list order

    @property
    def structured_data(self) -> dict:
        """The page as a Publication stores it."""
        return self.page.to_json()


def page_texts(condition: Condition) -> list[str]:
    """Every Markdown text of the page, in citation-numbering order."""
    return markdown_texts(condition.sections.all(), condition.short_answers.all())


def known_references(keys: list[str]) -> dict[str, Reference]:
    return {ref.key: ref for ref in Reference.objects.filter(key__in=set(keys))}


@dataclass
class RenderedTexts:
    """Every Markdown text of a page rendered with one citation numbering, in reading order."""

    sections: list[SafeString]
    answers: list[tuple[SafeString, SafeString]]  # (answer, details)
    references: list[ReferenceContent]  # the reference list, in its order
    reference_html: list[SafeString]  # each of them formatted
    numbering: CitationNumbering

    @property
    def keys_by_number(self) -> dict[str, str]:
        return {str(number): key for key, number in self.numbering.numbers.items()}


def render_texts(content: PageContent) -> RenderedTexts:
    """Render ``content``'s Markdown as the page does: citations numbered by first use across the
    page; the reference list the cited references in that order, then the listed ones not cited."""
    references = content.reference_by_key()
    numbering = CitationNumbering(references)
    html = [render(text, citations=numbering) for text in content.texts()]
    count = len(content.sections)
    listed = [content.references[pk] for pk in content.listed if pk in content.references]
    ordered = [references[key] for key in numbering.cited_keys]
    ordered += [ref for ref in dict.fromkeys(listed) if ref.key not in numbering.numbers]
    return RenderedTexts(
        sections=html[:count],
        answers=list(zip(html[count::2], html[count + 1 :: 2], strict=True)),
        references=ordered,
        reference_html=[format_reference(ref.as_reference()) for ref in ordered],
        numbering=numbering,
    )


def render_condition(condition: Condition, review: ReviewInfo | None = None) -> RenderedPage:
    """Render the working copy of ``condition`` as the public will see it (the staff preview)."""
    return render_page(content_of(condition), review)


def _reference(
    number: int, ref: ReferenceContent, html: str, numbering: CitationNumbering
) -> PublishedReference:
    """Every field of a reference as the publication freezes it (the API serves these)."""
    return PublishedReference(
        number=number,
        key=ref.key,
        kind=ref.kind,
        html=str(html),
        backlinks=tuple(numbering.backlinks.get(ref.key, [])),
        url=ref.url,
        doi=ref.doi,
        pmid=ref.pmid,
        authors=tuple(ref.author_list),
        title=ref.title,
        container_title=ref.container_title,
        edition=ref.edition,
        publisher=ref.publisher,
        place=ref.place,
        year=ref.year,
        volume=ref.volume,
        issue=ref.issue,
        pages=ref.pages,
        accessed_on=ref.accessed_on,
    )


def render_page(content: PageContent, review: ReviewInfo | None = None) -> RenderedPage:
    """Render ``content`` (a working copy, or a submitted revision) as the public will see it."""
    review = review or ReviewInfo()
    texts = render_texts(content)
    anchors = section_anchors(s.display_heading for s in content.sections)
    slugs = question_slugs(a.question for a in content.answers)
    page = PublishedPage(
        schema_version=SCHEMA_VERSION,
        name=content.name,
        slug=content.slug,
        also_called=tuple(content.synonyms),
        summary=content.summary,
        sections=tuple(
            PublishedSection(anchor, section.kind, section.display_heading, section.body, str(html))
            for section, anchor, html in zip(content.sections, anchors, texts.sections, strict=True)
        ),
        short_answers=tuple(
            PublishedAnswer(
                id=f"question-{n}",
                slug=slug,
                question=answer.question,
                answer_markdown=answer.answer,
                answer_html=str(answer_html),
                details_markdown=answer.details,
                details_html=str(details_html),
            )
            for n, (answer, slug, (answer_html, details_html)) in enumerate(
                zip(content.answers, slugs, texts.answers, strict=True), start=1
            )
        ),
        references=tuple(
            _reference(number, ref, html, texts.numbering)
            for number, (ref, html) in enumerate(zip(texts.references, texts.reference_html, strict=True), 1)
        ),
        review=review,
        codes=tuple(code.key for code in parse_codes(content.codes)),
    )
    context = {
        "condition": content,
        "synonyms": content.synonyms,
        "sections": page.sections,
        "short_answers": page.short_answers,
        "references": page.references,
        "review": review,
    }
    html = render_to_string("conditions/_page_body.html", context)
    return RenderedPage(
        html=html, page=page, unknown_keys=list(texts.numbering.unknown), references=texts.references
    )
