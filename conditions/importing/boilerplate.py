"""Site chrome in a scraped page: navigation, buttons, appeals, adverts, bylines, share and policy
links, captions' "click to enlarge", a printed page's headers and footers.

Found by general signs first, a phrase list only for the common cases:

* **repetition** — a line in many files of one import is the site's, not the page's
  (:func:`repeated_lines`), and a line three times in one file is a printed page's header;
* **shape** — a short line without sentence punctuation that starts with a call to action
  ("Request an appointment", "Sign up", "Donate now"), a menu of "&" or "|" items, a breadcrumb,
  a bare link, a "By … Staff" byline;
* **blocks** — a "Products & Services" or "Related" heading takes its list with it, an appeal
  takes the short exclamations of its block ("Fuel … research!").

Content words ("Symptoms", "When to see a doctor"), lead-ins ending in ":", list items and whole
sentences are never dropped for repetition alone: many pages of one site share them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence

from .dates import is_print_furniture


def line_key(line: str) -> str:
    """A line as compared across files: spacing and case ignored."""
    return " ".join(line.split()).casefold()


_LIST_ITEM = re.compile(r"\s*(?:[•●▪◦‣∙*-]|\d{1,3}[.)]|\[\d{1,3}\])\s+\S")
# Words that head a section of a condition page: such lines repeat across a site's pages.
_CONTENT_HEADING = re.compile(
    r"\b(?:overview|symptoms?|signs?|causes?|risk|complications?|diagnos\w*|tests?|treatments?|"
    r"therap\w*|medications?|prevent\w*|outlook|prognosis|living with|coping|self-care|"
    r"when to|what is|what are|how is|how are|references|sources|bibliography|summary)\b",
    re.IGNORECASE,
)


def repeated_lines(texts: Sequence[str]) -> set[str]:
    """The lines (as :func:`line_key` gives them) that so many files of one import share that
    they are the site's, not any one page's: in at least three files and half of them."""
    if len(texts) < 3:
        return set()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({line_key(line) for line in text.splitlines() if line.strip()})
    needed = max(3, (len(texts) + 1) // 2)
    return {line for line, count in counts.items() if count >= needed and _may_repeat_as_chrome(line)}


def _may_repeat_as_chrome(key: str) -> bool:
    if _LIST_ITEM.match(key) or key.endswith(":"):
        return False
    # A whole sentence is text a site's pages may share ("Seek care at once if …"); its appeals
    # and notices are caught by what they say (_APPEAL).
    if key.endswith((".", "?", "!")) and len(key.split()) >= 8 and not _APPEAL.search(key):
        return False
    short = len(key.split()) <= 8
    return not (short and _CONTENT_HEADING.search(key) and "&" not in key and "|" not in key)


# --- one line ----------------------------------------------------------------------------------

_PHRASES = re.compile(
    r"(?:advertisement|advertising(?: (?:&|and) sponsorship)?|sponsored(?: content)?|ad|"
    r"(?:print|share|e-?mail|save|bookmark)(?: (?:this|the) (?:page|article))?|tweet|pin it|"
    r"article (?:links|tools)|"
    r"show (?:references|transcript|sources)|hide (?:references|transcript)|featured|"
    r"(?:click|tap) to (?:enlarge|zoom|expand)|enlarge image|view (?:larger|full) image|"
    r"skip (?:to (?:main )?content|navigation)|menu|search|home|log ?in|sign ?in|sign up|"
    r"back to top|top of page|subscribe|products (?:&|and) services|"
    r"(?:request|make|book|schedule) an? appointment|request appointment|find a doctor|"
    r"(?:give|donate) (?:today|now)|donate|make a (?:gift|donation)|"
    r"(?:our )?editorial (?:policy|policies|process)|medical review (?:policy|process)|"
    r"advertising policy|(?:learn )?(?:how to )?cite this (?:page|article)|fact checked|"
    r"(?:was|is) this (?:[\w-]+ ){0,2}(?:helpful|useful)\??|yes\s+no|feedback|continue reading(?: below)?|"
    r"(?:meets )?(?:[\w'’]+ )?editorial (?:guidelines|standards)|article history|"
    r"(?:\d[\d,]* )?(?:more )?(?:votes?|likes?|upvotes?|views?|answers|replies|comments)(?::? \d[\d,]*)?|"
    r"sort(?:ed)? by:?(?: [\w-]+){1,2}|"
    r"(?:learn|read|see|view|find out) more|more information|medically reviewed|e-?news|best answer|"
    r"rate this page|report a problem|is this page useful\??|take our survey|"
    r"(?:[\w'-]+ ){0,4}care at (?-i:[A-Z][\w'-]+(?: [A-Z][\w'&-]+)+)|health library|ad choices|"
    r"disclaimers?|privacy(?: policy| notice)?|accessibility(?: statement)?|cookies|site ?map|"
    r"terms(?: of (?:use|service))?|about us|contact us|"
    r"related(?: [\w-]+){0,2}|you may also like|trending|popular|continued|"
    r"(?:free |our )?(?:[\w-]+ ){0,3}(?:sign ?up|newsletter)|(?:other|more|all) answers(?: \(\d+\))?|"
    r"(?:see |view |watch |take (?:the|our) )?(?:the )?(?:slideshow|video|quiz|infographic))"
    r"[\s.!:›»→>]*",
    re.IGNORECASE,
)
# A byline: "By Mayo Clinic Staff", "By the Health Library editors".
_BYLINE = re.compile(
    r"by\s+[\w .&'’-]{2,60}\b(?:staff|team|editors|editorial team)|"
    # A writer's byline with a title: "By Robert Example, Contributing Editor".
    r"by\s+[\w .'’-]{2,60},\s+(?:contributing |senior |executive |managing |medical |health )?"
    r"(?:editor|writer|author|correspondent|reporter|journalist)|"
    # An expert's name with a degree: "With Jane Example, M.D."
    r"(?:by|with)\s+(?:dr\.? )?[\w.'’-]+(?: [\w.'’-]+){0,3},?"
    r"\s+(?:m\.?d|d\.?o|ph\.?d|r\.?n|mbbs|frcp|np|pa-c)\.?",
    re.IGNORECASE,
)
# Credits: "Updated by: David Lee, MD", "Also reviewed by … and the editorial team."
_CREDIT = re.compile(
    r"(?:also\s+)?(?:last\s+)?(?:(?:medically|clinically|peer|expert)\s+)?"
    r"(?:reviewed|updated|written|authored|edited|compiled|fact[- ]checked|asked|answered|posted)\s+by\b:?.*",
    re.IGNORECASE,
)
# A call to action: a button or link, short and imperative, not a sentence.
_CALL_TO_ACTION = re.compile(
    r"(?:subscribe|sign (?:up|in)|log in|donate|give (?:a gift|today|now|monthly)|"
    r"(?:request|book|schedule|make) an? (?:appointment|consultation|visit|callback)|"
    r"(?:request|book) (?:appointment|now)|(?:shop|buy|order) (?:now|online|the|our|a copy)|"
    r"download (?:the|our|a|now)|email us|follow us|register (?:now|today|for)|contact us|"
    r"get (?:the|our) (?:app|newsletter)|(?:learn|read|see|view|discover) (?:more|all)|"
    r"find (?:out )?more|find out (?:how|what|about|if|where)|(?:check|assess) your symptoms|"
    r"(?:start|try|use) (?:the |our |a )?(?:[\w-]+ )?(?:symptom )?checker|"
    r"find (?:an?|your) (?:[\w-]+ ){0,2}(?:doctor|specialist|"
    r"provider|service|location|pharmacy|gp|hospital|clinic|[\w-]*(?:ist|ian))\b|help us (?:improve|make)|"
    r"join (?:us|now|today|[\w-]+ (?:to|for free))|"
    r"(?:read|see|show) all (?:answers|replies|comments))\b",
    re.IGNORECASE,
)
# Appeals, adverts, newsletters and policies inside a sentence: what a site says of itself.
_APPEAL = re.compile(
    r"\b(?:your (?:donation|gift|generous support)|donate (?:now|today)|make a (?:donation|gift)|"
    r"give today|advertis(?:ement|ing)\b(?! of)|sponsored content|newsletters?\b|subscribe\b|"
    r"sign up for|not-for-profit mission|non-?profit academic medical cent|does not endorse|"
    r"cookie (?:policy|settings)|uses? cookies|privacy policy|all rights reserved|"
    r"terms of (?:use|service)|copyright\s+(?:©\s*)?\d{4}|©\s*\d{4}|"
    r"our editorial (?:process|policy|policies)|learn more about (?:our|us)\b|"
    r"(?:this|our) (?:content|information|page) is (?:provided|produced|brought to you)\b|"
    r"the information on this page is (?:written|reviewed|produced)\b|"
    r"\bclick here\b|this is the (?:consumer|professional|patient) version|"
    r"(?:strict )?sourcing guidelines|tertiary references|our (?:experts|editors) (?:continually )?monitor|"
    r"(?:produced|written|developed) in consultation with|(?:educational|informational?) purposes only|"
    r"general overview and may not apply|contributed by|library of archived content|"
    r"delivered to your inbox|images? (?:provided|supplied) by|report abuse|hope this helps|"
    r"(?:in|an?) (?:other languages|large print|easy[- ]read|braille|audio) (?:format|version)|"
    r"easy[- ]read format|"
    r"get the most (?:out )?(?:from|of) (?:a|your) (?:visit|appointment)|"
    r"would like to thank|accredited by|does not provide (?:medical )?advice|"
    r"(?:is )?not (?:a )?substitute for (?:professional )?medical advice|for informational purposes only)",
    re.IGNORECASE,
)
# Who took a picture or wrote a box, under it: "Credit: Example Photo Library", "Source: … team".
_ATTRIBUTION = re.compile(
    r"(?:(?:image|photo|picture)\s+)?(?:credits?|source|courtesy(?: of)?)\s*:\s*\S.*|"
    r"(?:image|photo|picture|illustration)s?\s*:\s*(?:©|\(c\)|copyright)\s*\S.*",
    re.IGNORECASE,
)
_LABELLED_CHROME = re.compile(
    r"(?:categories|category|tags|keywords|filed under|authors?|prepared by|leaflet (?:number|no\.?|code)|"
    r"reference (?:number|no\.?))\s*:|"
    r"[\w.-]{2,30} (?:wrote|said|replied|posted|answered)(?: on [^:]{4,40})?:$|"
    r"(?:was|is) this (?:[\w-]+ ){0,2}(?:helpful|useful)\?",
    re.IGNORECASE,
)
_SERIES = re.compile(r"(?:(?:more )?in this (?:series|guide|section)|part of (?:this|the) series)\s*:", re.I)
_MORE_LINK = re.compile(r"(?:learn|find out|read|discover) more\b", re.IGNORECASE)
# A content system's id for the page, alone on a line: "DS00516", "CON-20350426".
_DOCUMENT_ID = re.compile(r"[A-Z]{1,4}-?\d{4,}")
_BARE_LINK = re.compile(r"(?:https?://|www\.)\S+")
_SENTENCE_END = re.compile(r"[.?:;,]$")


def chrome_line(line: str) -> bool:
    """Whether one line, on its own, is site chrome."""
    text = " ".join(line.split())
    if not text or (_LIST_ITEM.match(line) and not _PHRASES.fullmatch(_LIST_ITEM.sub("", line).strip())):
        return False
    words = text.split()
    if _PHRASES.fullmatch(text) or _BYLINE.fullmatch(text) or is_print_furniture(line):
        return True
    if _DOCUMENT_ID.fullmatch(text):
        return True
    if _MORE_LINK.match(text) and len(words) <= 20:
        return True  # "Learn more here about how this content is reviewed."
    if _LABELLED_CHROME.match(text) and len(words) <= 20:
        return True  # "Tags: sleep, legs", "Author: Physiotherapy Team", "mike_t wrote on 14 March:"
    if _SERIES.match(text) and len(words) <= 20:
        return True  # "In this series: Exercises   Surgery": links to the site's other pages
    if _CREDIT.fullmatch(text) and len(words) <= 60:
        return True
    if _ATTRIBUTION.fullmatch(text) and len(words) <= 8 and not _SENTENCE_END.search(text):
        return True
    # "Source: National Center for …, Division of …": the agency a page is from, with no year;
    # or "Source:" alone, its agency on the next line (_chrome_blocks).
    if _ATTRIBUTION.fullmatch(text) and len(words) <= 20 and not re.search(r"\d", text):
        return True
    if len(words) > 12 and not _APPEAL.search(text):
        return False
    if _APPEAL.search(text) and len(words) <= 40:
        return True
    if _SENTENCE_END.search(text):
        return False
    if len(words) <= 10 and _CALL_TO_ACTION.match(text):
        return True
    if _BARE_LINK.fullmatch(text) or _is_menu(text) or _is_link_row(line.strip()):
        return True
    # Menu items: "Symptoms & causes", "Doctors & departments" (headings say "and").
    return len(words) <= 4 and " & " in text


def _is_menu(text: str) -> bool:
    """A breadcrumb or a row of links: "Home › Conditions › Gout", "About us | Contact"."""
    for separator, fewest in (("|", 2), ("›", 2), ("»", 2), (">", 3)):
        items = [item.strip() for item in text.split(f" {separator} ")]
        if len(items) >= fewest and all(0 < len(item.split()) <= 4 for item in items):
            return not re.search(r"\d", text) or separator == "|"
    return False


def _is_link_row(line: str) -> bool:
    """A row of links set apart by "·" or by wide spaces, one of them a button: "Questions
    Topics  Log in  Sign up", "42 votes · Share · Report". A row of words alone ("Fever ·
    chills") is text."""
    items = [item.strip() for item in re.split(r"\s·\s|\s{2,}", line) if item.strip()]
    if len(items) < 3 or any(len(item.split()) > 5 for item in items):
        return False
    return any(_PHRASES.fullmatch(item) or _CALL_TO_ACTION.match(item) for item in items) or any(
        item in {"Report", "Reply", "Follow", "Like"} for item in items
    )


# Headings of blocks that are the site's: their list goes with them.
_CHROME_HEADING = re.compile(
    r"(?:products (?:&|and) services|related(?: [\w-]+){0,3}|more information|more from [\w .&'-]+|"
    r"(?:drugs|medicines) mentioned in this article|article (?:links|tools|history)|"
    r"(?:other |more |useful |further )?resources|useful links|see also|"
    r"read (?:this )?next|further information|"
    r"you may also like|trending|popular|featured|sponsored|in this section|on this page|share|"
    r"follow us)\s*:?",
    re.IGNORECASE,
)


def find_chrome(lines: Sequence[str], *, repeated: Collection[str] = ()) -> set[int]:
    """The indexes of ``lines`` (a page's lines, blank ones included) that are site chrome."""
    within = Counter(line_key(line) for line in lines if line.strip())
    chrome = set()
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        key = line_key(line)
        # Three times in one file: a printed page's header (headings appear once, or twice
        # with a table of contents).
        repeated_here = within[key] >= 3 and not _LIST_ITEM.match(line) and not key.endswith(":")
        if chrome_line(line) or key in repeated or repeated_here:
            chrome.add(index)
    chrome |= _agency_lines(lines)
    chrome |= _end_matter(lines)
    chrome |= _chrome_blocks(lines, chrome)
    chrome |= _asker_question(lines, chrome)
    return chrome


_AGENCY_LABEL = re.compile(r"(?:sources?|content (?:supplied|provided) by|provided by|produced by)\s*:", re.I)


def _agency_lines(lines: Sequence[str]) -> set[int]:
    """ "Source:" alone on a line with the agency's name on the next ("NHS 24"), or a credit that
    ends in "by:" with its name under it: who published the page, not a reference (which has a
    year or an address)."""
    found: set[int] = set()
    for index, line in enumerate(lines[:-1]):
        text = line.strip()
        credit = text.endswith(("by:", "by")) and chrome_line(text)
        if not (_AGENCY_LABEL.fullmatch(text) or credit):
            continue
        after = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        text = lines[after].strip() if after is not None else ""
        if after is not None and len(text.split()) <= 8 and not re.search(r"\d{4}|https?://|www\.", text):
            found |= {index, after}
    return found


# Headings of the site's end matter: what follows them in their block is the site's too.
_END_HEADING = re.compile(
    r"(?:next steps|(?:content |medical |site |important )?disclaimer|contact (?:details|us)|useful contacts|"
    r"more on this topic(?: for)?|(?:free )?[\w-]+ sign ?up)\s*:?",
    re.IGNORECASE,
)
# Where a question-and-answer page's other members' posts and comments begin: to its end.
_COMMENTS = re.compile(
    r"(?:other|more|all) answers(?: \(\d+\))?|comments(?: \(\d+\))?|\d+ (?:comments|replies)|"
    r"leave a (?:comment|reply)|add (?:a|your) comment",
    re.IGNORECASE,
)


def _end_matter(lines: Sequence[str]) -> set[int]:
    """An end-matter heading's block (to the next run of blank lines), and a page's comments and
    other members' answers (to its end)."""
    found: set[int] = set()
    for index, line in enumerate(lines):
        text = " ".join(line.split())
        if _COMMENTS.fullmatch(text):
            return found | {i for i in range(index, len(lines)) if lines[i].strip()}
        if index in found or not _END_HEADING.fullmatch(text):
            continue
        found.add(index)
        blank = 0
        for following in range(index + 1, len(lines)):
            if not lines[following].strip():
                blank += 1
                continue
            if blank >= 2:
                break
            blank = 0
            found.add(following)
    return found


_ASKED = re.compile(r"asked\s+by\b", re.IGNORECASE)
_ANSWERED = re.compile(r"(?:best answer|(?:answer(?:ed)?|replied)\s+(?:by|from)\b)", re.IGNORECASE)


def _asker_question(lines: Sequence[str], chrome: set[int]) -> set[int]:
    """On a question-and-answer page, the asker's own words between "Asked by …" and the first
    answer: the question is the page's title, the answer its text."""
    asked = next((i for i in sorted(chrome) if _ASKED.match(lines[i].strip())), None)
    if asked is None:
        return set()
    answered = next((i for i in range(asked + 1, len(lines)) if _ANSWERED.match(lines[i].strip())), None)
    if answered is None:
        return set()
    return {i for i in range(asked + 1, answered) if lines[i].strip()} - chrome


def _paragraphs(lines: Sequence[str]) -> list[list[int]]:
    paragraphs: list[list[int]] = []
    current: list[int] = []
    for index, line in enumerate(lines):
        if line.strip():
            current.append(index)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _blank_lines_before(lines: Sequence[str], index: int) -> int:
    count = 0
    while index - count - 1 >= 0 and not lines[index - count - 1].strip():
        count += 1
    return count


def _chrome_blocks(lines: Sequence[str], chrome: set[int]) -> set[int]:
    """Lines that go with chrome around them: a chrome heading's list, the caption above "click
    to enlarge", a menu's other short lines, and the exclamations of an appeal's block."""
    more: set[int] = set()
    paragraphs = _paragraphs(lines)
    taking = False  # inside the list under a chrome heading
    for number, paragraph in enumerate(paragraphs):
        first = paragraph[0]
        texts = [" ".join(lines[i].split()) for i in paragraph]
        if number and _blank_lines_before(lines, first) >= 2:
            taking = False
        if taking and all(_links_only(lines[i]) for i in paragraph):
            more.update(paragraph)
            continue
        taking = False
        if len(paragraph) == 1 and _CHROME_HEADING.fullmatch(texts[0]):
            more.update(paragraph)
            taking = True
            continue
        flagged = [i for i in paragraph if i in chrome]
        # Links to other sites' pages, each with its publisher: "Gout: Overview (Example Society)".
        cited = [i for i, text in zip(paragraph, texts, strict=True) if _CITED_LINK.fullmatch(text)]
        if cited and 2 * len(cited) >= len(paragraph) and all(_links_only(lines[i]) for i in paragraph):
            more.update(paragraph)
            above = " ".join(lines[paragraphs[number - 1][0]].split()) if number else ""
            if number and len(paragraphs[number - 1]) == 1 and len(above.split()) <= 12:
                more.update([] if _SENTENCE_END.search(above) else paragraphs[number - 1])  # its heading
            continue
        # A chrome heading inside a paragraph of short lines: the links under it are its list.
        for k, text in enumerate(texts):
            if _CHROME_HEADING.fullmatch(text) and all(_links_only(lines[i]) for i in paragraph[k:]):
                more.update(paragraph[k:])
                taking = True
                break
        # A short line between two chrome lines of its paragraph is the same block's slogan.
        more.update(
            paragraph[k]
            for k in range(1, len(paragraph) - 1)
            if paragraph[k - 1] in chrome
            and paragraph[k + 1] in chrome
            and len(texts[k].split()) <= 10
            and not _SENTENCE_END.search(texts[k])
        )
        # The name under a credit that ends in "by": "Authored by:" then "Dr Anna Example, MRCGP".
        more.update(
            paragraph[k]
            for k in range(1, len(paragraph))
            if paragraph[k - 1] in chrome
            and re.search(r"\bby:?$", texts[k - 1], re.IGNORECASE)
            and len(texts[k].split()) <= 8
            and not _SENTENCE_END.search(texts[k].rstrip(".") + "x")
        )
        # A picture's caption goes with the credit under it.
        more.update(
            paragraph[k - 1]
            for k in range(1, len(paragraph))
            if paragraph[k] in chrome
            and _ATTRIBUTION.fullmatch(texts[k])
            and len(texts[k - 1].split()) <= 12
            and not re.search(r"[.?!:;,]$", texts[k - 1])
        )
        # A paragraph of short lines, half of them chrome: a menu, a caption with its button, or
        # a survey box with the question it asks the visitor.
        short = all(
            i in chrome
            or (len(text.split()) <= 10 and not _SENTENCE_END.search(text))
            or (len(text.split()) <= 12 and text.endswith("?") and _TO_VISITOR.search(text))
            or (len(text.split()) <= 3 and text.endswith("?"))  # "Feeling unwell?" over a button
            for i, text in zip(paragraph, texts, strict=True)
        )
        if flagged and short and (2 * len(flagged) >= len(paragraph) or len(paragraph) <= 2):
            more.update(paragraph)
    more |= _appeal_blocks(lines, paragraphs, chrome | more)
    return more


# A question a site asks its visitor about the visit or the page, not about health.
_TO_VISITOR = re.compile(r"\b(?:your visit|this (?:page|site|website)|our (?:site|website|service))\b", re.I)
_NAME_WORD = r"(?:[A-Z][\w&'.,-]*|of|and|for|the|on|in|&)"
_CITED_LINK = re.compile(rf"[^.()]{{3,80}} \([A-Z][\w&'.,-]*(?:\s+{_NAME_WORD})+\)")


def _links_only(line: str) -> bool:
    """Whether a line could be one link of a list: a list item or a few words, not a sentence."""
    text = " ".join(line.split())
    words = len(text.split())
    # A link to another site's page with its publisher: "Example Foundation: Sleep and restless legs".
    return bool(_LIST_ITEM.match(line)) or (
        (words <= 8 or (words <= 12 and ": " in text)) and not text.endswith(".")
    )


def _appeal_blocks(lines: Sequence[str], paragraphs: list[list[int]], chrome: set[int]) -> set[int]:
    """A block (paragraphs between runs of blank lines) with an appeal in it loses its short
    exclamations ("Fuel … research!"), which say nothing medical on their own."""
    more: set[int] = set()
    block: list[list[int]] = []
    for number, paragraph in enumerate([*paragraphs, []]):
        if paragraph and (not number or _blank_lines_before(lines, paragraph[0]) < 2):
            block.append(paragraph)
            continue
        appeal = any(_APPEAL.search(" ".join(lines[i] for i in p)) for p in block)
        if appeal:
            for p in block:
                text = " ".join(" ".join(lines[i].split()) for i in p)
                if text.endswith("!") and len(text) < 120:
                    more.update(p)
                elif _APPEAL.search(text):
                    # The appeal's own lines; the whole paragraph when it is wrapped over them.
                    own = [i for i in p if _APPEAL.search(lines[i])]
                    more.update(own or (p if len(text.split()) <= 60 else []))
        block = [paragraph]
    return more - chrome
