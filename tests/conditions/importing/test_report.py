"""The import report: what each file gave, and what to check."""

from __future__ import annotations

from conditions.importing import parse_document
from conditions.importing.report import details, warnings

PAGE = """Shin splints

Shin splints are pain along the inner edge of the shinbone, common in runners and dancers.

Symptoms
The pain is dull at first and comes on during exercise. It may later last after you stop.

Treatment
Rest from running for two weeks, then build up slowly on soft ground.

Last updated: May 2, 2025

References
1. Moreau P (expert opinion). Example Sports Clinic. 2024. Expert opinion.
2. Brandt K, Olsen T. Medial tibial stress in recreational runners. Example J Sports Med. 2022;14(2):101-109.
3. Some notes copied from a leaflet
"""


def test_an_expert_opinion_counts_as_read_and_a_line_without_title_or_year_is_flagged():
    document = parse_document(PAGE, source="shin.txt")
    assert "references: 3 found, 2 read as author, title and year" in details(document)
    flagged = [w for w in warnings(document) if "was not read as a reference" in w]
    assert flagged == [
        "reference 3 was not read as a reference (no title or year found): it is kept as written; check it"
    ]
