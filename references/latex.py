"""LaTeX in BibTeX fields as plain Unicode, for every construct Zotero, Better BibTeX and JabRef
write: symbols (``{\\textless}``, ``\\textendash``), accents, Greek and sub/superscripts in math,
emphasis macros, protected capitals and the dash ligatures.

pylatexenc does the parsing, with a few macros its default context lacks (``\\textless`` and
``\\textgreater`` are not in it, so Zotero's "<120" lost its "<"). Sub- and superscripts become
plain characters, as PubMed writes them ("HbA1c", "CO2"); a superscript of digits becomes the
Unicode superscript ("m²"). Text with nothing LaTeX could mean is returned as it is, without
parsing: most fields of a large file are plain, and parsing is the cost of reading one.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

from pylatexenc import latex2text, latexwalker, macrospec

# pylatexenc reads unbalanced braces and unfinished macros as well as it can, and logs a warning
# for each: one per field of a damaged file, saying nothing an editor can act on.
logging.getLogger("pylatexenc").setLevel(logging.ERROR)

# More nesting than any export writes; deeper input is refused rather than parsed recursively.
MAX_DEPTH = 50

_NEEDS_PARSING = re.compile(r"[\\{}$~%^_]|--|``|''|!`|\?`")
_NEEDS_MORE_THAN_BRACES = re.compile(r"[\\$~%^_]|--|``|''|!`|\?`")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
_DOLLAR = re.compile(r"(?<!\\)\$")
_BRACES = re.compile(r"(?<!\\)[{}]")
_SUPERSCRIPTS = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_RAISED = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_RAISED = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")


class LatexTooDeep(ValueError):
    """The text nests braces more deeply than :data:`MAX_DEPTH`."""

    def __init__(self, depth: int) -> None:
        super().__init__(f"it nests braces {depth} deep (more than {MAX_DEPTH}), which no export writes")
        self.depth = depth


def _argument_text(node: latexwalker.LatexNode, l2tobj: latex2text.LatexNodes2Text) -> str:
    args = [arg for arg in (node.nodeargd.argnlist if node.nodeargd else []) if arg is not None]
    return "".join(l2tobj.nodelist_to_text([arg]) for arg in args)


def _superscript(node: latexwalker.LatexNode, l2tobj: latex2text.LatexNodes2Text) -> str:
    text = _argument_text(node, l2tobj).strip()
    raised = text.translate(_SUPERSCRIPTS)
    # Only when every character has a raised form: "m²", "10⁹"; otherwise the plain text.
    return raised if all(character in _RAISED for character in raised) else text


def _subscript(node: latexwalker.LatexNode, l2tobj: latex2text.LatexNodes2Text) -> str:
    return _argument_text(node, l2tobj).strip()


def _one_argument() -> macrospec.MacroStandardArgsParser:
    return macrospec.MacroStandardArgsParser("{")


_SYMBOLS = {
    "textless": "<",
    "textgreater": ">",
    "textquotedbl": '"',
    "textquotesingle": "'",
    "textbar": "|",
    "textperiodcentered": "·",
    "textunderscore": "_",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textdollar": "$",
    "textasciicircum": "^",
    "textminus": "−",
    "textmu": "µ",
    "relax": "",
}
# Macros whose one argument is the text: emphasis, case protection, links written as text.
_ARGUMENT_IS_TEXT: tuple[str, ...] = (
    "mkbibemph",
    "mkbibitalic",
    "mkbibbold",
    "NoCaseChange",
    "nolinkurl",
    "textnormal",
)
_ARGUMENT_IS_TEXT += ("textup", "textmd", "textsl", "url", "enquote")


def _contexts() -> tuple[macrospec.LatexContextDb, macrospec.LatexContextDb]:
    walker = latexwalker.get_default_latex_context_db()
    walker.add_context_category(
        "medsite",
        prepend=True,
        macros=[
            *(macrospec.MacroSpec(name, "") for name in _SYMBOLS),
            *(macrospec.MacroSpec(name, "{") for name in _ARGUMENT_IS_TEXT),
            macrospec.MacroSpec("mkbibquote", "{"),
            macrospec.MacroSpec("textsuperscript", "{"),
            macrospec.MacroSpec("textsubscript", "{"),
        ],
        specials=[
            macrospec.SpecialsSpec("^", args_parser=_one_argument()),
            macrospec.SpecialsSpec("_", args_parser=_one_argument()),
        ],
    )
    text = latex2text.get_default_latex_context_db()
    text.add_context_category(
        "medsite",
        prepend=True,
        macros=[
            *(latex2text.MacroTextSpec(name, symbol) for name, symbol in _SYMBOLS.items()),
            *(latex2text.MacroTextSpec(name, "%s") for name in _ARGUMENT_IS_TEXT),
            latex2text.MacroTextSpec("mkbibquote", "“%s”"),
            latex2text.MacroTextSpec("textsuperscript", _superscript),
            latex2text.MacroTextSpec("textsubscript", _subscript),
        ],
        specials=[
            latex2text.SpecialsTextSpec("^", _superscript),
            latex2text.SpecialsTextSpec("_", _subscript),
        ],
    )
    return walker, text


_WALKER_CONTEXT, _TEXT_CONTEXT = _contexts()
_CONVERTER = latex2text.LatexNodes2Text(
    latex_context=_TEXT_CONTEXT, math_mode="text", keep_braced_groups=False, strict_latex_spaces=False
)


def latex_to_text(value: str) -> str:
    """BibTeX text with LaTeX markup ({\\"u}, {T}he, \\&, $\\beta$, {\\textless}) as plain Unicode.

    Raises :class:`LatexTooDeep` for braces nested beyond :data:`MAX_DEPTH`.
    """
    if not _NEEDS_PARSING.search(value):
        return value
    if _too_deep(value):
        raise LatexTooDeep(_depth(value))
    # Braces, accents, symbols and escapes alone (Zotero's "{T}he", "M{\\"u}ller", "{\\textless}"):
    # what parsing would give, without it; most of the fields of a large file that need anything.
    quick = _quick(value)
    return quick if quick is not None else _decode(value)


_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}  # fmt: skip
_LETTERS = {"O": "Ø", "o": "ø", "AA": "Å", "aa": "å", "AE": "Æ", "ae": "æ", "OE": "Œ", "oe": "œ", "ss": "ß"}
_LETTERS |= {"L": "Ł", "l": "ł", "i": "ı"}
_QUICK_SYMBOLS = {name: text for name, text in _SYMBOLS.items() if text}
_QUICK_SYMBOLS |= {"textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘"}
_QUICK_SYMBOLS |= {"textquotedblleft": "“", "textquotedblright": "”", "textasciitilde": "~"}
_QUICK_SYMBOLS |= {"textbackslash": "\\", "textdegree": "°", "textregistered": "®", "texttrademark": "™"}
_QUICK_SYMBOLS |= {"textsection": "§", "textpm": "±", "texttimes": "×", "textbullet": "•"}
_QUICK = re.compile(
    r"\\(?P<accent>[\"'`^~=.])\s*(?:\{(?P<a1>\\i|[A-Za-z])\}|(?P<a2>[A-Za-z]))"
    r"|\\(?P<named>[uvHckr])(?:\{(?P<n1>\\i|[A-Za-z])\}| (?P<n2>[A-Za-z]))"
    r"|\\(?P<letter>AA|aa|AE|ae|OE|oe|ss|[OoLli])(?:\{\}|(?=\}))"
    r"|\\(?P<symbol>[A-Za-z]+)(?:\{\}|(?=\}))"
    r"|\\(?P<escaped>[&%$#_{}])"
    r"|(?P<dash>---?)"
)


def _quick(value: str) -> str | None:
    """The text of ``value`` if it holds only braces and the accents, letters, symbols and
    escapes above; None for anything else (math, macros with arguments), which is parsed."""
    failed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal failed
        if match["accent"] or match["named"]:
            accent = _ACCENTS[match["accent"] or match["named"]]
            letter = match["a1"] or match["a2"] or match["n1"] or match["n2"]
            base = "i" if letter == "\\i" else letter
            return unicodedata.normalize("NFC", base + accent)
        if match["letter"]:
            return _LETTERS[match["letter"]]
        if match["symbol"]:
            symbol = _QUICK_SYMBOLS.get(match["symbol"])
            failed = failed or symbol is None
            return symbol or ""
        if match["escaped"]:
            return "\x00" + match["escaped"]  # kept from the brace removal below
        return "–" if match["dash"] == "--" else "—"

    text = _QUICK.sub(replace, value)
    if failed or re.search(r"[\\$~^_%]|``|''|!`|\?`", text.replace("\x00", "")):
        return None
    text = re.sub(r"(?<!\x00)[{}]", "", text).replace("\x00", "")
    return text


def _depth(value: str) -> int:
    depth = deepest = 0
    for brace in _BRACES.finditer(value):
        depth = depth + 1 if brace.group() == "{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _too_deep(value: str) -> bool:
    return value.count("{") > MAX_DEPTH and _depth(value) > MAX_DEPTH


@functools.lru_cache(maxsize=8192)  # names, journals, publishers and places repeat through a file
def _decode(value: str) -> str:
    deepest = _depth(value)
    if deepest > MAX_DEPTH:
        raise LatexTooDeep(deepest)
    try:
        text = _CONVERTER.latex_to_text(_prepare(value), latex_context=_WALKER_CONTEXT)
    except RecursionError as exc:  # a construct nesting without braces ($ inside \emph …)
        raise LatexTooDeep(deepest) from exc
    return text.replace("\N{NO-BREAK SPACE}", " ") if "~" in value else text


def _prepare(value: str) -> str:
    """A bare "%" is literal in BibTeX (LaTeX would start a comment); "_" and "^" outside math
    are the characters themselves (Zotero writes a URL-ish "a_b" as it is)."""
    value = _UNESCAPED_PERCENT.sub(r"\\%", value)
    parts = _DOLLAR.split(value)
    for index in range(0, len(parts), 2):  # the even parts are outside $…$
        parts[index] = re.sub(r"(?<!\\)_", r"\\_", parts[index])
        parts[index] = re.sub(r"(?<!\\)\^", r"\\textasciicircum{}", parts[index])
    return "$".join(parts)
