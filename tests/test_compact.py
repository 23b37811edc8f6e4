"""Compacted pages render the same: same elements and attributes, same text once white space is
read the way a browser reads it, and white space kept byte for byte where it shows."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.site.compact import compact_html

SHOWN_AS_IS = {"pre", "textarea", "script", "style", "code", "kbd"}


class Reading(HTMLParser):
    """What a page amounts to: its elements in order, and its text as rendered (white-space
    runs read as one space, except inside elements that show their white space)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.text, self.open = [], [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(attrs)))
        self.open.append(tag)

    def handle_endtag(self, tag):
        self.elements.append(("/" + tag, ()))
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data):
        self.text.append(data if SHOWN_AS_IS & set(self.open) else re.sub(r"\s+", " ", data))

    def handle_comment(self, data):
        self.elements.append(("!--", (("text", data),)))


def reading(html: str) -> tuple[list, str]:
    parser = Reading()
    parser.feed(html)
    parser.close()
    return parser.elements, re.sub(r" +", " ", "".join(parser.text))


blank = st.text(" \t\n\r", min_size=1, max_size=8)
words = st.text(st.sampled_from("信访ab<>&;\"' \t\n"), max_size=12).map(
    lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
attribute = st.tuples(st.sampled_from(["class", "title", "data-copy"]),
                      st.text(st.sampled_from("ab 信\n\t"), max_size=8))


def _element(children):
    def render(tag, attrs, inner):
        attrs_text = "".join(f' {k}="{v}"' for k, v in attrs)
        return f"<{tag}{attrs_text}>{''.join(inner)}</{tag}>"
    ordinary = st.builds(render, st.sampled_from(["div", "p", "span", "li", "a", "td", "nav"]),
                         st.lists(attribute, max_size=2), st.lists(children, max_size=4))
    verbatim = st.builds(render, st.sampled_from(["pre", "textarea", "code", "kbd"]),
                         st.lists(attribute, max_size=1), st.lists(st.one_of(words, blank), max_size=4))
    script = st.builds(lambda body: f"<script>{body}</script>",
                       st.text(st.sampled_from("var a = 1;\n  \t<>"), max_size=20).map(lambda s: s.replace("</", "<\\/")))
    return st.one_of(ordinary, verbatim, script)


fragments = st.recursive(st.one_of(words, blank, st.just("<!-- a\n\n  b -->"), st.just("<br>")), _element, max_leaves=30)
pages = st.lists(fragments, max_size=6).map(lambda parts: "<!doctype html>\n<html>\n  <body>\n" + "".join(parts) + "\n  </body>\n</html>\n")


@settings(max_examples=300, deadline=None)
@given(pages)
def test_compacted_page_reads_the_same(page):
    compact = compact_html(page)
    assert reading(compact) == reading(page)
    assert len(compact) <= len(page)
    assert compact_html(compact) == compact  # idempotent: the CSP step may see a page twice


def test_indentation_goes_and_shown_white_space_stays():
    page = ('<nav>\n        <ul>\n          <li>\n            <a href="#x" title="a\n     b">目录</a>\n'
            '          </li>\n        </ul>\n      </nav>\n<pre>  one\n\n    two</pre>\n'
            '<p>句子 <code>a\n\n   b</code> 续\n\n\n   完</p>\n<textarea>\n\n  x</textarea>')
    assert compact_html(page) == ('<nav>\n<ul>\n<li>\n<a href="#x" title="a\n     b">目录</a>\n</li>\n</ul>\n</nav>\n'
                                  '<pre>  one\n\n    two</pre>\n<p>句子 <code>a\n\n   b</code> 续\n完</p>\n<textarea>\n\n  x</textarea>')


def test_theme_settings_keep_their_value_in_fewer_bytes():
    settings_value = {"base": "..", "translations": {"clipboard.copy": "复制", "x": "a<b"}, "tags": None}
    block = json.dumps(settings_value, indent=1)  # ensure_ascii: \\u escapes, as the theme writes it
    page = f'<head></head><body><script id="__config" type="application/json">{block}</script></body>'
    compact = compact_html(page)
    body = re.search(r'type="application/json">(.*?)</script>', compact, re.S).group(1)
    assert json.loads(body) == settings_value
    assert "复制" in body and len(compact) < len(page)


def test_built_pages_are_compact(built_site):
    """The build runs every page through the compaction (with the CSP step)."""
    for page in sorted(built_site.rglob("*.html"))[:40]:
        html = page.read_text(encoding="utf-8")
        assert compact_html(html) == html, page
