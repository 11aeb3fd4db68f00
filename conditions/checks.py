"""The publish gate: what must hold before a page may go to expert review or be approved."""

from __future__ import annotations

from conditions.models import Condition, Section
from conditions.rendering import known_references, page_texts
from medsite import limits
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
    return problems
