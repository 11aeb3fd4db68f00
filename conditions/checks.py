"""The publish gate: what must hold before a page may go to expert review or be approved."""

from __future__ import annotations

from conditions.models import Condition, Section
from conditions.rendering import known_references, page_figures, page_texts
from images.figures import Figures, library_key
from images.licences import Licence
from medsite import limits
from medsite.markdown import render
from references.citations import find_keys


def publish_problems(condition: Condition) -> list[str]:
    """Sentences naming each problem that keeps ``condition`` from review; empty when it may go."""
    problems = []
    if not condition.summary.strip():
        problems.append("Add a summary: it is the page's description in search results.")
    sections = list(condition.sections.all())
    if not any(section.kind == Section.Kind.OVERVIEW for section in sections):
        problems.append("Add an Overview section.")
    for section in sections:
        if not section.body.strip():
            problems.append(f"The section “{section.display_heading}” is empty: write it or remove it.")
        elif too_long := limits.too_long(section.body, what=f"The section “{section.display_heading}”"):
            problems.append(too_long)
    for answer in condition.short_answers.all():
        if not answer.answer.strip():
            problems.append(f"The question “{answer.question}” has no short answer.")
        for text in (answer.answer, answer.details):
            if too_long := limits.too_long(text, what=f"The answer to “{answer.question}”"):
                problems.append(too_long)
    texts = page_texts(condition)
    if too_long := limits.page_too_long(texts):
        problems.append(too_long)
    keys = [key for text in texts for key in find_keys(text)]
    cited = known_references(keys)
    unknown = sorted(set(keys) - set(cited))
    if unknown:
        listed = ", ".join(f"[@{key}]" for key in unknown)
        problems.append(f"No reference has the citation key {listed}: add the reference or correct the key.")
    listed_refs = condition.condition_references.select_related("reference")
    on_page = {**cited, **{link.reference.key: link.reference for link in listed_refs}}
    undated = sorted(key for key, reference in on_page.items() if reference.needs_accessed_date)
    if undated:
        listed = ", ".join(f"[@{key}]" for key in undated)
        problems.append(f"Online sources need the date they were read: add it to {listed} (“Accessed on”).")
    return problems + image_problems(texts)


def image_problems(texts: list[str]) -> list[str]:
    """What keeps the images ``texts`` show from the public: each named, with what to do.

    Read from the renderer's own record of each text (:class:`images.figures.Figures`): the keys
    the library does not hold, the images in running text or from another address, the images
    shown without alt text or the decision that they are decorative. Then each image's licence:
    "all rights reserved" needs a source URL saying where the permission to use it comes from.
    """
    figures = page_figures(texts)
    for text in texts:
        if "![" in text:  # every Markdown image starts so; the rest cannot show one
            render(text, images=figures)
    return _placement_problems(figures) + _licence_problems(figures)


def _placement_problems(figures: Figures) -> list[str]:
    problems = [
        f"No image has the key “{key}” in the image library: upload it there, or correct the key "
        f"in ![…](image:{key})."
        for key in figures.unknown
    ]
    for src in figures.misplaced:
        key = library_key(src)
        if key:
            problems.append(
                f"The image “{key}” stands inside running text: put ![…](image:{key}) on a line of its own."
            )
        else:
            problems.append(
                f"The image “{src}” is not from the image library: upload it to the library and insert "
                "it from there, so it is described, credited, licensed and reviewed."
            )
    problems += [
        f"The image “{key}” has no alt text: describe what it shows in the image library (or on the "
        f"page: ![what it shows](image:{key})), or mark it decorative there if it adds nothing to the text."
        for key in figures.undescribed
    ]
    return problems


def _licence_problems(figures: Figures) -> list[str]:
    problems = []
    for key in figures.used:
        image = figures.images[key]
        if not image.licence:
            problems.append(f"The image “{key}” has no licence: choose its licence in the image library.")
        elif image.licence == Licence.ALL_RIGHTS_RESERVED and not image.source_url.strip():
            problems.append(
                f"The image “{key}” is “all rights reserved” with no source URL: add, in the image "
                "library, the address of the permission to use it (the agreement or the owner's page)."
            )
    return problems
