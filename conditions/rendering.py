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
    PublishedImage,
    PublishedPage,
    PublishedReference,
    PublishedRendition,
    PublishedSection,
    ReviewInfo,
    question_slugs,
    section_anchors,
)
from images import renditions
from images.content import ImageContent
from images.figures import Figures
from images.models import Image
from medsite.markdown import image_keys, render
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


def page_figures(texts: list[str]) -> Figures:
    """The images ``texts`` name, as the library holds them now, for rendering a working copy."""
    keys = {key for text in texts for key in image_keys(text)}
    return Figures({image.key: ImageContent.of(image) for image in Image.objects.filter(key__in=keys)})


@dataclass
class RenderedTexts:
    """Every Markdown text of a page rendered with one citation numbering, in reading order."""

    sections: list[SafeString]
    answers: list[tuple[SafeString, SafeString]]  # (answer, details)
    references: list[ReferenceContent]  # the reference list, in its order
    reference_html: list[SafeString]  # each of them formatted
    numbering: CitationNumbering
    figures: Figures  # the images shown, unknown, undescribed or misplaced

    @property
    def keys_by_number(self) -> dict[str, str]:
        return {str(number): key for key, number in self.numbering.numbers.items()}


def render_texts(content: PageContent) -> RenderedTexts:
    """Render ``content``'s Markdown as the page does: citations numbered by first use across the
    page; the reference list the cited references in that order, then the listed ones not cited."""
    references = content.reference_by_key()
    numbering = CitationNumbering(references)
    figures = Figures(content.images)
    html = [render(text, citations=numbering, images=figures) for text in content.texts()]
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
        figures=figures,
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


def published_images(figures: Figures) -> tuple[PublishedImage, ...]:
    """Each image the page shows, in order of first use, with its renditions' addresses now."""
    shown = []
    for key in figures.used:
        image = figures.images[key]
        alt, caption = figures.first_use[key]
        all_renditions = renditions.renditions(image.sha256, image.format, image.width, image.height)
        fallback = [r for r in all_renditions if r.format == image.format][-1]
        shown.append(
            PublishedImage(
                key=image.key,
                alt=alt,
                caption=caption,
                credit=image.credit,
                licence=image.licence,
                licence_name=image.licence_name,
                licence_url=image.licence_url,
                source_url=image.source_url,
                copyright_notice=image.copyright_notice,
                width=fallback.width,
                height=fallback.height,
                src=figures.url(fallback.name),
                renditions=tuple(
                    PublishedRendition(figures.url(r.name), r.width, r.height, r.mime_type)
                    for r in all_renditions
                ),
                og_image=figures.url(renditions.og_name(image.sha256, image.focal_x, image.focal_y)),
            )
        )
    return tuple(shown)


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
        images=published_images(texts.figures),
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
