"""Page assembly: a condition's working copy -> the page body HTML and its structured data.

Approval freezes the result into a Publication; the staff preview renders the same way, so a
reviewer sees exactly what approval would publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils.text import slugify

from conditions.models import Condition
from conditions.pagecontent import PageContent, ReferenceContent, content_of
from conditions.public.structured import question_slugs
from medsite.markdown import render
from references.citations import CitationNumbering, format_reference
from references.models import Reference


@dataclass
class ReviewInfo:
    reviewed_by: str = ""
    reviewed_on: date | None = None
    next_review_due: date | None = None
    updated_on: date | None = None


@dataclass
class RenderedPage:
    html: str
    structured_data: dict
    unknown_keys: list[str] = field(default_factory=list)
    references: list[ReferenceContent] = field(default_factory=list)  # in reference-list order


def page_texts(condition: Condition) -> list[str]:
    """Every Markdown text of the page, in citation-numbering order."""
    texts = [section.body for section in condition.sections.all()]
    for answer in condition.short_answers.all():
        texts += [answer.answer, answer.details]
    return texts


def known_references(keys: list[str]) -> dict[str, Reference]:
    return {ref.key: ref for ref in Reference.objects.filter(key__in=set(keys))}


def _anchor_ids(headings: list[str], reserved: set[str]) -> list[str]:
    ids, seen = [], set(reserved)
    for heading in headings:
        base = slugify(heading) or "section"
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}-{n}", n + 1
        seen.add(candidate)
        ids.append(candidate)
    return ids


def render_condition(condition: Condition, review: ReviewInfo | None = None) -> RenderedPage:
    """Render the working copy of ``condition`` as the public will see it (the staff preview)."""
    return render_page(content_of(condition), review)


def _reference_data(ref: ReferenceContent) -> dict:
    """Every field of a reference as the publication freezes it (the API serves these)."""
    return {
        "authors": ref.author_list,
        "title": ref.title,
        "container_title": ref.container_title,
        "edition": ref.edition,
        "publisher": ref.publisher,
        "place": ref.place,
        "year": ref.year,
        "volume": ref.volume,
        "issue": ref.issue,
        "pages": ref.pages,
        "accessed_on": ref.accessed_on.isoformat() if ref.accessed_on else None,
    }


def render_page(content: PageContent, review: ReviewInfo | None = None) -> RenderedPage:
    """Render ``content`` (a working copy, or a submitted revision) as the public will see it."""
    review = review or ReviewInfo()
    references = content.reference_by_key()
    numbering = CitationNumbering(references)

    sections = content.sections
    ids = _anchor_ids([s.display_heading for s in sections], reserved={"questions", "references"})
    rendered_sections = [
        {
            "id": anchor,
            "kind": section.kind,
            "heading": section.display_heading,
            "markdown": section.body,
            "html": render(section.body, citations=numbering),
        }
        for section, anchor in zip(sections, ids, strict=True)
    ]
    answers = content.answers
    rendered_answers = [
        {
            "id": f"question-{n}",
            "slug": slug,
            "question": answer.question,
            "answer_markdown": answer.answer,
            "answer_html": render(answer.answer, citations=numbering),
            "details_markdown": answer.details,
            "details_html": render(answer.details, citations=numbering),
        }
        for n, (answer, slug) in enumerate(
            zip(answers, question_slugs([a.question for a in answers]), strict=True), start=1
        )
    ]

    listed = [content.references[pk] for pk in content.listed if pk in content.references]
    ordered = [references[key] for key in numbering.cited_keys]
    ordered += [ref for ref in dict.fromkeys(listed) if ref.key not in numbering.numbers]
    rendered_references = [
        {
            "number": number,
            "key": ref.key,
            "kind": ref.kind,
            "html": format_reference(ref.as_reference()),
            "backlinks": numbering.backlinks.get(ref.key, []),
            "url": ref.url,
            "doi": ref.doi,
            "pmid": ref.pmid,
        }
        for number, ref in enumerate(ordered, start=1)
    ]

    context = {
        "condition": content,
        "synonyms": content.synonyms,
        "sections": rendered_sections,
        "short_answers": rendered_answers,
        "references": rendered_references,
        "review": review,
    }
    html = render_to_string("conditions/_page_body.html", context)
    structured = {
        "name": content.name,
        "slug": content.slug,
        "also_called": content.synonyms,
        "summary": content.summary,
        "sections": [{k: str(v) for k, v in s.items()} for s in rendered_sections],
        "short_answers": [{k: str(v) for k, v in a.items()} for a in rendered_answers],
        "references": [
            {
                **{k: v for k, v in r.items() if k != "html"},
                "text": str(r["html"]),
                **_reference_data(ref),
            }
            for r, ref in zip(rendered_references, ordered, strict=True)
        ],
        "review": {
            "reviewed_by": review.reviewed_by,
            "reviewed_on": review.reviewed_on.isoformat() if review.reviewed_on else None,
            "next_review_due": review.next_review_due.isoformat() if review.next_review_due else None,
        },
    }
    return RenderedPage(
        html=html, structured_data=structured, unknown_keys=list(numbering.unknown), references=ordered
    )
