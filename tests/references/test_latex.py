from __future__ import annotations

import re

import pytest

from references.latex import MAX_DEPTH, LatexTooDeep, latex_to_text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        # Zotero
        (r"{\textless}120 mm {Hg}", "<120 mm Hg"),
        (r"aged {\textgreater}75", "aged >75"),
        (r"2010\textendash{}2020", "2010–2020"),
        (r"yes\textemdash{}no", "yes—no"),
        (r"Parkinson{\textquoteright}s", "Parkinson’s"),
        (r"{\textasciitilde}10 mg", "~10 mg"),
        (r"a{\textbackslash}b", "a\\b"),
        (r"{\textquotedbl}quoted{\textquotedbl}", '"quoted"'),
        (r"$\beta$-cells", "β-cells"),
        (r"$\alpha$ and $\gamma$", "α and γ"),
        (r"HbA$_{\textrm{1c}}$", "HbA1c"),
        (r"\textit{Helicobacter pylori}", "Helicobacter pylori"),
        # Better BibTeX
        (r"\mkbibemph{in vitro}", "in vitro"),
        (r"\mkbibquote{Choosing Wisely}", "“Choosing Wisely”"),
        (r"\ensuremath{\mu}g", "μg"),
        (r"{\NoCaseChange{mRNA}} vaccines", "mRNA vaccines"),
        (r"10\textsuperscript{9}/L", "10⁹/L"),
        (r"T\textsubscript{max}", "Tmax"),
        (r"\textsuperscript{a,b}", "a,b"),
        # JabRef
        (r"$<$0.05 and $>$2", "<0.05 and >2"),
        (r"$\geq$65 and $\leq$18", "≥65 and ≤18"),
        (r"\emph{post hoc}", "post hoc"),
        (r"{\"u}ber, \'{e}t\'{e}, {\c c}a, \v{s}a, {\aa}r, {\ss}", "über, été, ça, ša, år, ß"),
        (r"\& \% \$ \# \_", "& % $ # _"),
        (r"{T}he {UK} {NICE} guideline", "The UK NICE guideline"),
        ("pre--post---then", "pre–post—then"),
        ("``quoted''", "“quoted”"),
        # plain BibTeX: a bare % is a percent sign, a bare _ or ^ the character itself
        ("50% of adults", "50% of adults"),
        ("file_name and 2^10", "file_name and 2^10"),
        ("non~breaking", "non breaking"),
    ],
)
def test_construct(latex, text):
    assert latex_to_text(latex) == text


def test_plain_text_is_returned_as_it_is():
    text = "Acute kidney injury: a review (2020) – with Unicode ≥ and é"
    assert latex_to_text(text) is text


def test_braces_nested_beyond_the_limit_are_refused():
    assert latex_to_text("{" * MAX_DEPTH + "x" + "}" * MAX_DEPTH) == "x"
    with pytest.raises(LatexTooDeep, match="nests braces 300 deep"):
        latex_to_text("{" * 300 + "x" + "}" * 300)


def test_unbalanced_braces_do_not_fail():
    assert latex_to_text("a}b{c") == "abc"


def test_text_read_without_the_parser_reads_as_the_parser_reads_it():
    # Accents, letters, symbols and escapes are read without pylatexenc (most of a large file);
    # each value of a generated library and of the sample exports reads the same either way.
    from pathlib import Path

    from bench.refimport import bibtex
    from references.latex import _decode

    samples = Path(__file__).parent.parent / "samples" / "references"
    texts = [bibtex(300), *(path.read_text(encoding="utf-8") for path in samples.glob("*.bib"))]
    values = {value for text in texts for value in re.findall(r"= \{(.*)\},?$", text, re.MULTILINE)}
    values = {value for value in values if "\\" in value}
    assert len(values) > 200
    assert {value: latex_to_text(value) for value in values} == {value: _decode(value) for value in values}
