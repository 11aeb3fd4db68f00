"""Whether markup holds anything a browser would run, judged by parsing it as a browser does.

Substring checks miss what a browser's parser makes of broken markup (an ``<img onerror>``
that a stray ``</noscript>`` lets out, a ``</script>`` inside JSON that ends the block), so
HTML is parsed by html5lib, an implementation of the HTML standard's parsing algorithm, with
scripting on as in a browser. Then every element and attribute is judged: only the project's
own static scripts and JSON data blocks may be scripts; no plugin, frame, foreign (SVG, MathML)
or base element; no event handler; no URL whose scheme, read the way a browser reads it,
would run code.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import html5lib

# Elements that run code, load other documents or change how the page's URLs resolve.
FORBIDDEN_ELEMENTS = {
    "applet", "base", "embed", "frame", "frameset", "iframe", "object", "param", "portal",
    "style", "template",
}  # fmt: skip
URL_ATTRIBUTES = {
    "action", "background", "cite", "codebase", "data", "dynsrc", "formaction", "href", "icon",
    "longdesc", "lowsrc", "manifest", "ping", "poster", "profile", "src", "usemap",
}  # fmt: skip
SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}
DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|webp)[;,]", re.IGNORECASE)
JSON_SCRIPT_TYPES = {"application/json", "application/ld+json"}
SVG = "http://www.w3.org/2000/svg"
# The admin's icons are inline SVG: shapes and references to them, which run nothing. Every
# other foreign element (SVG's script, a, animate, set, foreignObject; all of MathML) is refused.
SVG_SHAPES = {"svg", "symbol", "use", "path", "g", "title", "desc", "defs"}
# In a style attribute: old IE expressions and bindings, and script or data URLs.
DANGEROUS_CSS = re.compile(r"expression\(|javascript:|vbscript:|-moz-binding|behavior:|url\(['\"]?data:")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_NAMESPACED = re.compile(r"\{(?P<namespace>[^}]*)\}(?P<name>.*)")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")

_parser = html5lib.HTMLParser(namespaceHTMLElements=False)


def url_scheme(url: str) -> str:
    """The scheme a browser reads from an attribute value (entities already decoded by the parser).

    WHATWG URL parsing: leading and trailing C0 controls and spaces are trimmed, every tab and
    newline is removed, and the scheme is what comes before the first ":" if it has scheme
    characters only; anything else is a relative URL.
    """
    cleaned = re.sub(r"[\t\n\r]", "", url).strip(_C0_AND_SPACE)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def _local(name: str) -> tuple[str, str]:
    match = _NAMESPACED.fullmatch(name)
    return (match["namespace"], match["name"]) if match else ("", name)


def _css(value: str) -> str:
    value = re.sub(r"/\*.*?\*/", "", value, flags=re.DOTALL)
    value = _CSS_ESCAPE.sub(lambda m: chr(min(int(m.group(1), 16), 0x10FFFF)), value)
    return re.sub(r"\s+", "", value).lower()


def _script_problem(element: ElementTree.Element) -> str | None:
    """None for the two kinds of script a page may have: one of its own static files, or data."""
    text = element.text or ""
    kind = (element.get("type") or "").strip().lower()
    src = element.get("src")
    if src is not None:
        # The site's own files only: a path on this host ("//" and "/\\" name another host).
        if text.strip() or url_scheme(src) or src[:1] != "/" or src[1:2] in {"/", "\\"}:
            return f"a script from {src!r}"
        return None
    if kind not in JSON_SCRIPT_TYPES:
        return f"an inline script: {text[:80]!r}"
    if "<" in text:
        return f"an unescaped '<' inside a {kind} block: {text[:80]!r}"
    try:
        json.loads(text)
    except ValueError:
        return f"a {kind} block that is not JSON (something broke out of it?): {text[:80]!r}"
    return None


def problems(root: ElementTree.Element) -> list[str]:
    """Everything executable in a parsed tree, as sentences naming what was found."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments
            continue
        namespace, tag = _local(element.tag)
        if namespace and not (namespace == SVG and tag in SVG_SHAPES):
            found.append(f"a foreign <{tag}> element ({namespace})")
        if namespace:
            for raw_name, value in element.attrib.items():
                if _local(raw_name)[1] == "href" and not value.startswith("#"):
                    found.append(f"an SVG link out of the page: <{tag} href={value[:80]!r}>")
        if tag == "script" and not namespace:
            if problem := _script_problem(element):
                found.append(problem)
        elif tag in FORBIDDEN_ELEMENTS:
            found.append(f"a <{tag}> element")
        if tag == "meta" and (element.get("http-equiv") or "").strip().lower() == "refresh":
            found.append("a <meta http-equiv=refresh>")
        for raw_name, value in element.attrib.items():
            _, name = _local(raw_name)
            name = name.lower()
            where = f"<{tag} {name}={value[:80]!r}>"
            if name.startswith("on"):
                found.append(f"an event handler: {where}")
            elif name == "srcdoc":
                found.append(f"a document in an attribute: {where}")
            elif name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                image = tag == "img" and name == "src" and DATA_IMAGE.match(value.strip())
                if scheme not in SAFE_SCHEMES and not image:
                    found.append(f"a {scheme}: URL: {where}")
            elif name in {"srcset", "imagesrcset"}:
                for candidate in value.split(","):
                    if url_scheme(candidate.strip()) not in SAFE_SCHEMES:
                        found.append(f"a script URL in a srcset: {where}")
            elif name == "style" and DANGEROUS_CSS.search(_css(value)):
                found.append(f"script in a style attribute: {where}")
    return found


def parse_document(html: str) -> ElementTree.Element:
    return _parser.parse(html, scripting=True)


def parse_fragment(html: str) -> ElementTree.Element:
    """``html`` as a browser parses it inside a ``<div>`` (where the page puts rendered Markdown)."""
    return _parser.parseFragment(html, container="div", scripting=True)


def assert_inert(html: str) -> None:
    """A fragment (rendered Markdown, a formatted reference) holds nothing executable."""
    found = problems(parse_fragment(str(html)))
    assert not found, f"{found}\nin: {html}"


def assert_inert_page(html: str | bytes) -> None:
    """A whole HTML document holds nothing executable."""
    text = html.decode() if isinstance(html, bytes) else html
    found = problems(parse_document(text))
    assert not found, f"{found}\nin a page of {len(text)} characters"


def _is_html_key(key: str) -> bool:
    return key == "html" or key.endswith("_html")


def assert_inert_json(data, *, html_keys=_is_html_key) -> None:
    """Every HTML string in decoded JSON (the values under ``html`` / ``*_html`` keys) is inert.

    Other strings are plain text, for the reader's program to escape; JSON itself runs nothing.
    """
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and html_keys(key):
                assert_inert(value)
            else:
                assert_inert_json(value, html_keys=html_keys)
    elif isinstance(data, list):
        for item in data:
            assert_inert_json(item, html_keys=html_keys)


_XML_FOREIGN = {
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1998/Math/MathML",
}


def assert_inert_xml(xml: str | bytes) -> None:
    """A sitemap or Atom feed: well-formed, no markup of a kind browsers run, and any content an
    Atom reader renders as HTML (``type="html"``) inert once unescaped."""
    root = ElementTree.fromstring(xml)  # noqa: S314 - the site's own output, parsed in a test
    found = []
    for element in root.iter():
        namespace, tag = _local(element.tag)
        if namespace in _XML_FOREIGN:
            found.append(f"an XML <{tag}> in {namespace}")
        for raw_name, value in element.attrib.items():
            name = _local(raw_name)[1].lower()
            if name.startswith("on"):
                found.append(f"an event handler on <{tag}>")
            if name == "href" and url_scheme(value) not in {"http", "https"}:
                found.append(f"a non-web link on <{tag}>: {value!r}")
        if tag == "loc" and url_scheme(element.text or "") not in {"http", "https"}:
            found.append(f"a non-web <loc>: {element.text!r}")
        if element.get("type") in {"html", "xhtml"}:
            found += problems(parse_fragment(element.text or ""))
    assert not found, found


def page_text(html: str | bytes) -> str:
    """The text of a whole document as a reader sees it (entities decoded by the parser)."""
    text = html.decode() if isinstance(html, bytes) else html
    return "".join(parse_document(text).itertext())
