from __future__ import annotations

import pytest
from django.template import Context, Template

from conditions.templatetags.page_meta import DESCRIPTION_LENGTH, meta_description

# 179 characters, of words of many lengths, so that a cut can land anywhere.
LONG = (
    "Gout is a kind of arthritis in which crystals of uric acid form in a joint, most often the "
    "big toe, and cause sudden attacks of pain, swelling and redness that last a week or two."
)


def test_a_short_description_is_left_as_it_is():
    assert meta_description("Painful swollen joints.") == "Painful swollen joints."


def test_a_long_description_is_cut_at_a_word_with_an_ellipsis():
    described = meta_description(LONG)
    assert described == (
        "Gout is a kind of arthritis in which crystals of uric acid form in a joint, most often the "
        "big toe, and cause sudden attacks of pain, swelling and redness that…"
    )
    assert len(described) <= DESCRIPTION_LENGTH


@pytest.mark.parametrize("length", range(DESCRIPTION_LENGTH - 20, DESCRIPTION_LENGTH + 20))
def test_every_cut_ends_on_a_whole_word(length):
    text = LONG[:length].rstrip()
    described = meta_description(text)
    assert len(described) <= DESCRIPTION_LENGTH
    if len(text) <= DESCRIPTION_LENGTH:
        assert described == text
    else:
        kept = described.removesuffix("…")
        assert described.endswith("…") and kept.split() == text.split()[: len(kept.split())]
        assert not kept.endswith((",", " "))


def test_line_breaks_and_runs_of_spaces_become_one_space():
    assert meta_description("Flushing\n   and\tdiarrhoea.\n") == "Flushing and diarrhoea."


def test_escaped_text_is_counted_as_read_and_stays_escaped():
    text = "Tom &amp; Jerry &lt;b&gt; " + "word " * 40
    described = meta_description(text)
    assert described.startswith("Tom &amp; Jerry &lt;b&gt; word")
    assert (
        len(described.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")) <= DESCRIPTION_LENGTH
    )


def test_one_word_longer_than_a_description_is_cut_where_it_must_be():
    described = meta_description("https://example.org/" + "a" * 300)
    assert len(described) == DESCRIPTION_LENGTH and described.endswith("a…")


def test_the_filter_in_a_template_escapes_once():
    rendered = Template("{% load page_meta %}{{ text|meta_description }}").render(
        Context({"text": "Salt & water"})
    )
    assert rendered == "Salt &amp; water"
