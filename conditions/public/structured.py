"""schema.org structured data (JSON-LD) for public pages, built from a frozen publication.

Search engines read it to show a page's review date, reviewer, sources and questions.
Everything comes from the publication's frozen page (what the reviewer approved), never from the
working copy, and a medical fact is stated only as :mod:`conditions.facts` reads it from the
section of its kind: the list the editor's preview showed under "What search engines will read".

Who publishes the pages and on what terms comes from settings (``MEDSITE_PUBLISHER_NAME``,
``MEDSITE_CONTENT_LICENSE``, ``MEDSITE_COPYRIGHT_HOLDER``). Each image a page shows carries its
own terms instead (its licence, credit and copyright notice as approval froze them), as the
ImageObject Google reads for its image licence details.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from conditions.facts import KindFacts, page_facts
from conditions.models import Condition, Publication
from conditions.publishedpage import PublishedAnswer, PublishedImage, PublishedPage, PublishedReference
from images.licences import Licence
from medsite import htmltext
from medsite.siteurl import absolute

SCHEMA = "https://schema.org/"

# Section kind -> the schema.org HealthAspectEnumeration member that names what it is about.
# Diagnosis has no member of its own (ScreeningHealthAspect is about screening), so none is said.
HEALTH_ASPECTS = {
    "overview": "OverviewHealthAspect",
    "symptoms": "SymptomsHealthAspect",
    "when_to_see_a_doctor": "SeeDoctorHealthAspect",
    "causes": "CausesHealthAspect",
    "risk_factors": "RisksOrComplicationsHealthAspect",
    "complications": "RisksOrComplicationsHealthAspect",
    "treatment": "TreatmentsHealthAspect",
    "prevention": "PreventionHealthAspect",
    "living_with": "LivingWithHealthAspect",
}

# Reference kind -> the schema.org type of the work cited, and of what it is part of.
_WORK_TYPES = {
    "journal-article": ("ScholarlyArticle", "Periodical"),
    "book": ("Book", None),
    "book-chapter": ("Chapter", "Book"),
    "web-page": ("WebPage", "WebSite"),
}
# "Feldman M", "van der Berg AB": a person, written family name then initials; else an organisation.
_PERSON_NAME = re.compile(r"^\D+ [A-Z]{1,3}$")
# Credentials after the name in a reviewer's display name ("Jane Doe, MD, FRCP"), as reviewer
# profiles are asked to write them: one word of at least two capitals (MD, PhD, BSc, PharmD), so
# "Doe, Jane" stays a name.
_CREDENTIAL = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Z][A-Za-z.()]{1,11}$")


def first_published() -> Subquery:
    """When a condition's page first went live: an annotation for the query that reads the page
    (``Condition.objects.annotate(first_published=first_published())``)."""
    first = Publication.objects.public().filter(condition=OuterRef("pk")).order_by("went_live_at")
    return Subquery(first.values("went_live_at")[:1])


def reviewer_specialty(publication: Publication) -> str:
    """The specialty of the reviewer the publication names, from their reviewer profile, when
    its approver is that reviewer (a clinical review; a copy edit keeps an earlier reviewer's
    name). Read ``approved_by__reviewer_profile`` with the publication."""
    profile = getattr(publication.approved_by, "reviewer_profile", None)
    if profile is None or profile.display_name != publication.reviewed_by_name:
        return ""
    return profile.specialty


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def publisher(home_url: str) -> dict:
    return {"@type": "Organization", "name": settings.MEDSITE_PUBLISHER_NAME, "url": home_url}


def _terms(home_url: str) -> dict[str, Any]:
    """publisher, copyrightHolder and license, as settings give them."""
    terms: dict[str, Any] = {
        "publisher": publisher(home_url),
        "copyrightHolder": {"@type": "Organization", "name": settings.MEDSITE_COPYRIGHT_HOLDER},
    }
    if settings.MEDSITE_CONTENT_LICENSE:
        terms["license"] = settings.MEDSITE_CONTENT_LICENSE
    return terms


def reviewer(name: str, specialty: str = "") -> dict | None:
    """The reviewer as a Person: "Jane Doe, MD, FRCP" is Jane Doe with honorificSuffix "MD, FRCP";
    a name whose comma is followed by anything other than credentials is kept whole."""
    if not name.strip():
        return None
    given, _, rest = name.partition(",")
    credentials = [part.strip() for part in rest.split(",")]
    person: dict[str, Any] = {"@type": "Person", "name": name.strip()}
    if rest and all(_CREDENTIAL.match(part) for part in credentials):
        person.update(name=given.strip(), honorificSuffix=", ".join(credentials))
    if specialty.strip():
        person["knowsAbout"] = specialty.strip()
    return person


def citation(ref: PublishedReference) -> dict:
    """One entry of the reference list as a CreativeWork, with its DOI and PMID as identifiers
    and as their resolver addresses (sameAs)."""
    kind, container_kind = _WORK_TYPES.get(ref.kind, ("CreativeWork", None))
    work: dict[str, Any] = {"@type": kind, "name": ref.title or htmltext.html_to_text(ref.html)}
    if ref.authors:
        work["author"] = [
            {"@type": "Person" if _PERSON_NAME.match(author) else "Organization", "name": author}
            for author in ref.authors
        ]
    if ref.year:
        work["datePublished"] = str(ref.year)
    if ref.container_title and container_kind:
        work["isPartOf"] = {"@type": container_kind, "name": ref.container_title}
    if ref.publisher:
        work["publisher"] = {"@type": "Organization", "name": ref.publisher}
    identifiers, same_as = [], []
    if ref.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": ref.doi})
        same_as.append("https://doi.org/" + quote(ref.doi, safe="/:;()._-"))
    if ref.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": ref.pmid})
        same_as.append(f"https://pubmed.ncbi.nlm.nih.gov/{quote(ref.pmid)}/")
    if identifiers:
        work["identifier"] = identifiers
        work["sameAs"] = same_as
    if ref.url:
        work["url"] = ref.url
    return work


# Words that mark a credit as an organisation's ("Example Clinic", "MedSite demo"); any other
# credit of two to four capitalised words is a person's name ("Jane Doe").
_ORGANISATION = re.compile(
    r"\b(?:clinic|hospital|trust|library|university|college|institute|society|association|"
    r"foundation|centre|center|department|agency|service|services|ltd|inc|llc|gmbh|group|"
    r"press|media|studio|studios|archive|museum|nhs|demo|team|staff|health|medical)\b",
    re.IGNORECASE,
)
_PERSON = re.compile(r"^(?:[A-Z][\w'’.-]*\s){1,3}[A-Z][\w'’.-]*$")


def _creator(credit: str) -> dict:
    kind = "Person" if _PERSON.match(credit) and not _ORGANISATION.search(credit) else "Organization"
    return {"@type": kind, "name": credit}


def _pixels(value: int) -> dict:
    # schema.org's width and height are a Distance or a QuantitativeValue, not a bare number;
    # E37 is UN/CEFACT's code for the pixel.
    return {"@type": "QuantitativeValue", "value": value, "unitCode": "E37"}


def image_id(page_url: str, image: PublishedImage) -> str:
    return f"{page_url}#image-{image.key}"


def image_object(image: PublishedImage, page_url: str) -> dict:
    """One image the page shows, as approval froze it: its largest fallback rendition, what it
    shows (its alt text) and its caption, and its terms. ``license`` is the licence's deed, or,
    for an image used with permission (all rights reserved), the page that gives the permission;
    ``acquireLicensePage`` is the image's source."""
    terms_url = image.licence_url
    if not terms_url and image.licence == Licence.ALL_RIGHTS_RESERVED:
        terms_url = image.source_url
    node: dict[str, Any] = {
        "@type": "ImageObject",
        "@id": image_id(page_url, image),
        "contentUrl": absolute(image.src),
        "encodingFormat": next((r.type for r in image.renditions if r.url == image.src), ""),
        "width": _pixels(image.width),
        "height": _pixels(image.height),
        "description": image.alt,
        "caption": image.caption,
        "license": terms_url,
        "acquireLicensePage": image.source_url,
        "creditText": image.credit,
        "creator": _creator(image.credit) if image.credit.strip() else None,
        "copyrightNotice": image.copyright_notice,
    }
    return _present(node)


def _images(images: Sequence[PublishedImage], page_url: str) -> dict[str, Any]:
    """``image``: every image shown, in page order; ``primaryImageOfPage``: the first (the lead
    image, also the page's Open Graph image)."""
    if not images:
        return {}
    return {
        "image": [image_object(image, page_url) for image in images],
        "primaryImageOfPage": {"@id": image_id(page_url, images[0])},
    }


def shown_in(page: PublishedPage, html: str) -> list[PublishedImage]:
    """The images of ``page`` that ``html`` (a part of it) shows, in page order."""
    return [image for image in page.images if f'src="{escape(image.src)}"' in html]


def _fact_values(kind_facts: KindFacts) -> list:
    if kind_facts.item_type is None:
        return list(kind_facts.items)
    return [{"@type": kind_facts.item_type, "name": item} for item in kind_facts.items]


def _condition(page: PublishedPage, *, with_facts: bool, codes: Sequence[dict]) -> dict:
    """The MedicalCondition a page is about; with the facts its sections state (a page showing
    none of its sections, like a short answer's, states none)."""
    about: dict[str, Any] = {"@type": "MedicalCondition", "name": page.name}
    if page.also_called:
        about["alternateName"] = list(page.also_called)
    if codes:
        about["code"] = list(codes)
    if with_facts:
        for kind_facts in page_facts(page):
            if kind_facts.items:
                about[kind_facts.property] = _fact_values(kind_facts)
    return about


def _sections(page: PublishedPage, page_url: str) -> list[dict]:
    """Each section as a part of the page, with the health aspect it is about."""
    parts = []
    for section in page.sections:
        part: dict[str, Any] = {
            "@type": ["WebPageElement", "HealthTopicContent"],
            "@id": f"{page_url}#{section.id}",
            "name": section.heading,
            "url": f"{page_url}#{section.id}",
            "cssSelector": f"#{section.id}",
        }
        aspect = HEALTH_ASPECTS.get(section.kind)
        if aspect:
            part["hasHealthAspect"] = SCHEMA + aspect
        parts.append(part)
    return parts


def _faq(page: PublishedPage) -> dict | None:
    if not page.short_answers:
        return None
    return {
        "@type": "FAQPage",
        "mainEntity": [_question(answer) for answer in page.short_answers],
    }


def _question(answer: PublishedAnswer) -> dict:
    return {
        "@type": "Question",
        "name": answer.question,
        "acceptedAnswer": {"@type": "Answer", "text": htmltext.html_to_text(answer.answer_html)},
    }


def _review(publication: Publication, specialty: str) -> dict[str, Any]:
    review: dict[str, Any] = {
        "lastReviewed": publication.reviewed_on.isoformat() if publication.reviewed_on else None,
        "reviewedBy": reviewer(publication.reviewed_by_name, specialty),
    }
    return review


def _breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def _present(node: dict) -> dict:
    return {key: value for key, value in node.items() if value not in (None, [], "")}


def condition_graph(
    condition: Condition,
    publication: Publication,
    *,
    page_url: str,
    home_url: str,
    index_url: str,
    first_published: datetime | None = None,
    reviewer_specialty: str = "",
    codes: Sequence[dict] = (),
) -> list[dict]:
    """MedicalWebPage (with its MedicalCondition, sections, sources and terms), FAQPage and
    BreadcrumbList for one condition page.

    ``first_published``: when the page first went live (this version's date if not given);
    ``codes``: the condition's MedicalCode nodes, stated as the condition's ``code``.
    """
    frozen = publication.page
    page: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": page_url,
        "url": page_url,
        "name": publication.title,
        "description": publication.summary,
        "inLanguage": "en",
        "about": _condition(frozen, with_facts=True, codes=codes),
        "hasPart": _sections(frozen, page_url),
        "datePublished": _date(first_published or publication.went_live_at),
        "dateModified": _date(publication.went_live_at),
        **_review(publication, reviewer_specialty),
        **_terms(home_url),
        "citation": [citation(ref) for ref in frozen.references],
        **_images(frozen.images, page_url),
    }
    trail = [("Home", home_url), ("Conditions A–Z", index_url), (publication.title, page_url)]
    graph: list[dict] = [_present(page), _breadcrumbs(trail)]
    faq = _faq(frozen)
    if faq:
        graph.append({**faq, "url": page_url})
    return graph


def cited_references(
    page: PublishedPage, answer: PublishedAnswer
) -> list[tuple[PublishedReference, list[str]]]:
    """The references a short answer cites (answer and details), in reference-list order, each
    with the ids of its citations in that answer: what the answer's own page lists."""
    html = answer.answer_html + answer.details_html
    cited = []
    for ref in page.references:
        here = [anchor for anchor in ref.backlinks if f'id="{anchor}"' in html]
        if here:
            cited.append((ref, here))
    return cited


def question_graph(
    condition: Condition,
    publication: Publication,
    answer: PublishedAnswer,
    *,
    page_url: str,
    condition_url: str,
    home_url: str,
    index_url: str,
    reviewer_specialty: str = "",
    codes: Sequence[dict] = (),
) -> list[dict]:
    """MedicalWebPage with its Question and Answer, and BreadcrumbList, for a short answer's own
    page. It is about the condition but states none of its facts: the page shows none of its
    sections."""
    frozen = publication.page
    page: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": page_url,
        "url": page_url,
        "name": answer.question,
        "inLanguage": "en",
        "about": _condition(frozen, with_facts=False, codes=codes),
        "mainEntity": _question(answer),
        "isPartOf": {"@id": condition_url},
        "dateModified": _date(publication.went_live_at),
        **_review(publication, reviewer_specialty),
        **_terms(home_url),
        "citation": [citation(ref) for ref, _ in cited_references(frozen, answer)],
        **_images(shown_in(frozen, answer.answer_html + answer.details_html), page_url),
    }
    trail = [
        ("Home", home_url),
        ("Conditions A–Z", index_url),
        (publication.title, condition_url),
        (answer.question, page_url),
    ]
    return [_present(page), _breadcrumbs(trail)]


def json_ld(graph: list[dict]) -> SafeString:
    """JSON safe inside a <script> element: no "</script>", "<!--" or "&" can break out of it."""
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - the escapes above keep it inert in HTML
