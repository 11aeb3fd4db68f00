"""schema.org structured data (JSON-LD) for public pages, built from a frozen publication.

Search engines read it to show a page's review date, reviewer and questions. Everything comes
from the publication's frozen page (what was approved), never from the working copy.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from conditions.models import Condition, Publication
from conditions.publishedpage import PublishedPage
from medsite import htmltext

# Section kinds whose list items name signs, causes and complications.
_ITEM_KINDS = {"symptoms": "signOrSymptom", "causes": "cause", "complications": "possibleComplication"}
_MAX_ITEMS = 20


def list_items(html: str) -> list[str]:
    """The names a section lists: the first sentence of each item of its outer lists
    ("**Skin flushing.** Hot face." -> "Skin flushing"), without citation numbers."""
    items: list[str] = []
    for block in htmltext.blocks(html):
        if block.depth == 1 and block.opened_by == "li":
            items.append("")
        if block.depth == 1 and items:
            items[-1] += block.text
    names = (_first_sentence(item) for item in items)
    return [name for name in names if name][:_MAX_ITEMS]


def _first_sentence(text: str) -> str:
    first = text.strip().split(". ")[0].strip().rstrip(".:")
    return " ".join(first.split())[:120]


def _about(page: PublishedPage) -> dict:
    about: dict[str, Any] = {"@type": "MedicalCondition", "name": page.name}
    if page.also_called:
        about["alternateName"] = list(page.also_called)
    for section in page.sections:
        prop = _ITEM_KINDS.get(section.kind)
        if prop is None:
            continue
        items = list_items(section.html)
        if not items:
            continue
        if prop == "signOrSymptom":
            about[prop] = [{"@type": "MedicalSignOrSymptom", "name": item} for item in items]
        elif prop == "cause":
            about[prop] = [{"@type": "MedicalCause", "name": item} for item in items]
        else:
            about[prop] = items
    return about


def _faq(page: PublishedPage) -> dict | None:
    if not page.short_answers:
        return None
    return {
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": answer.question,
                "acceptedAnswer": {"@type": "Answer", "text": htmltext.html_to_text(answer.answer_html)},
            }
            for answer in page.short_answers
        ],
    }


def condition_graph(
    condition: Condition, publication: Publication, *, page_url: str, home_url: str, index_url: str
) -> list[dict]:
    """MedicalWebPage (with its MedicalCondition), FAQPage and BreadcrumbList for one page."""
    page: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": page_url,
        "url": page_url,
        "name": publication.title,
        "description": publication.summary,
        "inLanguage": "en",
        "about": _about(publication.page),
        "dateModified": publication.went_live_at.isoformat() if publication.went_live_at else None,
        "lastReviewed": publication.reviewed_on.isoformat() if publication.reviewed_on else None,
    }
    if publication.reviewed_by_name:
        page["reviewedBy"] = {"@type": "Person", "name": publication.reviewed_by_name}
    breadcrumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(
                [("Home", home_url), ("Conditions A–Z", index_url), (publication.title, page_url)], start=1
            )
        ],
    }
    graph: list[dict] = [{k: v for k, v in page.items() if v is not None}, breadcrumbs]
    faq = _faq(publication.page)
    if faq:
        graph.append({**faq, "url": page_url})
    return graph


def json_ld(graph: list[dict]) -> SafeString:
    """JSON safe inside a <script> element: no "</script>", "<!--" or "&" can break out of it."""
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - the escapes above keep it inert in HTML
