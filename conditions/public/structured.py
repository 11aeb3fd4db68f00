"""schema.org structured data (JSON-LD) for public pages, built from a frozen publication.

Search engines read it to show a page's review date, reviewer and questions. Everything comes
from the publication's structured data (what was approved), never from the working copy.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from conditions.models import Condition, Publication

# Section kinds whose list items name signs, causes and complications.
_ITEM_KINDS = {"symptoms": "signOrSymptom", "causes": "cause", "complications": "possibleComplication"}
_MAX_ITEMS = 20


class _ListItems(HTMLParser):
    """The names a section lists: each item's bold lead, or its first sentence."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._depth = 0
        self._text: list[str] = []
        self._lead: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "li":
            self._depth += 1
            if self._depth == 1:
                self._text, self._lead = [], None
        elif (
            tag in {"strong", "b"}
            and self._depth == 1
            and self._lead is None
            and not "".join(self._text).strip()
        ):
            self._lead = []
        elif tag == "sup":
            self._depth += 100  # citation numbers are not part of a name

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self._depth -= 100
        elif tag == "li":
            if self._depth == 1:
                self.items.append(self._name())
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth == 1:
            self._text.append(data)
            if self._lead is not None:
                self._lead.append(data)

    def _name(self) -> str:
        text = "".join(self._lead if self._lead else self._text).strip()
        first = text.split(". ")[0].strip().rstrip(".:")
        return " ".join(first.split())[:120]


def list_items(html: str) -> list[str]:
    parser = _ListItems()
    parser.feed(html)
    return [item for item in parser.items if item][:_MAX_ITEMS]


def question_slugs(questions: list[str]) -> list[str]:
    """A unique, readable address part for each question of one page."""
    slugs, seen = [], set()
    for question in questions:
        base = slugify(question)[:80].strip("-") or "question"
        slug, n = base, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        slugs.append(slug)
    return slugs


def short_answers(publication: Publication) -> list[dict]:
    """The publication's short answers, each with its ``slug`` (older publications lack one)."""
    answers = publication.structured_data.get("short_answers", [])
    slugs = question_slugs([a["question"] for a in answers])
    return [
        {**answer, "slug": answer.get("slug") or slug} for answer, slug in zip(answers, slugs, strict=True)
    ]


def _about(condition: Condition, data: dict) -> dict:
    about = {"@type": "MedicalCondition", "name": data.get("name", condition.name)}
    if data.get("also_called"):
        about["alternateName"] = data["also_called"]
    for section in data.get("sections", []):
        prop = _ITEM_KINDS.get(section.get("kind"))
        items = list_items(section.get("html", "")) if prop else []
        if not items:
            continue
        if prop == "signOrSymptom":
            about[prop] = [{"@type": "MedicalSignOrSymptom", "name": item} for item in items]
        elif prop == "cause":
            about[prop] = [{"@type": "MedicalCause", "name": item} for item in items]
        else:
            about[prop] = items
    return about


def _faq(publication: Publication) -> dict | None:
    answers = short_answers(publication)
    if not answers:
        return None
    return {
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": answer["question"],
                "acceptedAnswer": {"@type": "Answer", "text": strip_tags(answer["answer_html"]).strip()},
            }
            for answer in answers
        ],
    }


def condition_graph(
    condition: Condition, publication: Publication, *, page_url: str, home_url: str, index_url: str
) -> list[dict]:
    """MedicalWebPage (with its MedicalCondition), FAQPage and BreadcrumbList for one page."""
    data = publication.structured_data
    page = {
        "@type": "MedicalWebPage",
        "@id": page_url,
        "url": page_url,
        "name": publication.title,
        "description": publication.summary,
        "inLanguage": "en",
        "about": _about(condition, data),
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
    graph = [{k: v for k, v in page.items() if v is not None}, breadcrumbs]
    faq = _faq(publication)
    if faq:
        graph.append({**faq, "url": page_url})
    return graph


def json_ld(graph: list[dict]) -> SafeString:
    """JSON safe inside a <script> element: no "</script>", "<!--" or "&" can break out of it."""
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - the escapes above keep it inert in HTML
