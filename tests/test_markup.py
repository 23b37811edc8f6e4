"""Links as a browser reads them: the scheme of a URL, the unsafe URLs of rendered HTML, and their
removal from finished pages."""
import pytest
from hypothesis import given, strategies as st

from kb.content.markup import _may_hold_unsafe_url, _scan, markdown_html, neutralise_urls, unsafe_urls, url_scheme


@pytest.mark.parametrize("url, scheme", [
    ("javascript:alert(1)", "javascript"), ("JaVaScRiPt:x", "javascript"), ("java\nscript:x", "javascript"),
    ("java\tscr\ript:x", "javascript"), ("\x01\x1f javascript:x", "javascript"), ("  data:text/html,x", "data"),
    ("vbscript:x", "vbscript"), ("https://example.org/", "https"), ("mailto:a@b.c", "mailto"),
    ("cases/a.html", None), ("../x:y.html", None), ("#t-1", None), ("java script:x", None), ("java\x00script:x", None),
    ("?a=b:c", None), ("", None),
])
def test_the_scheme_is_read_as_the_url_standard_reads_it(url, scheme):
    assert url_scheme(url) == scheme


def test_unsafe_urls_are_found_in_every_url_attribute_entities_decoded():
    html = ('<a href="java&#x0A;script:1">a</a><img src="&#106;avascript:2"><form action="javascript:3"></form>'
            '<button formaction="data:text/html,4"></button><img srcset="a.png 1x, javascript:5 2x">'
            '<svg><a xlink:href="javascript:6"></a></svg><video poster="javascript:7"></video><object data="javascript:8">'
            '<meta http-equiv="refresh" content="0; url=javascript:9"><a href="https://ok">ok</a><a href="x.html">ok</a>')
    assert unsafe_urls(html) == ["java\nscript:1", "javascript:2", "javascript:3", "data:text/html,4", "javascript:5",
                                 "javascript:6", "javascript:7", "javascript:8", "javascript:9"]


def test_neutralising_removes_only_the_unsafe_attributes_and_keeps_the_rest_byte_for_byte():
    html = '<p>前文 <a href="java\nscript:1" title="说明">点我</a> 后文</p>\n<p><a href="x.html">站内</a></p>'
    assert neutralise_urls(html) == '<p>前文 <a title="说明">点我</a> 后文</p>\n<p><a href="x.html">站内</a></p>'
    safe = '<p><a href="x.html" class=a>站内</a><img src="a.png" alt="&quot;"/></p>'
    assert neutralise_urls(safe) == safe


def test_markdown_keeps_the_line_break_a_browser_drops():
    assert unsafe_urls(markdown_html("[点我](java\nscript:alert(1))")) == ["java\nscript:alert(1)"]
    assert unsafe_urls(markdown_html("[点我][r]\n\n[r]:\njavascript:alert(1)")) == ["javascript:alert(1)"]


PIECES = ["<a ", "<img ", "<meta ", "<p ", ">", "</a>", " ", "\n", "\t", "=", '"', "'", "/", "href", "HREF", "src",
          "srcset", "xlink:href", "http-equiv", "refresh", "content", "title", "data", "java", "script", ":", "&#58;",
          "&colon;", "&#x6A;", "&#10;", "http", "https://x", "mailto", "x.html", ",", " 2x", "url=", "0;", "\x01"]


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_quick_look_never_passes_html_the_parser_finds_unsafe(html):
    from kb.content.markup import _UrlScanner
    scanner = _UrlScanner()
    scanner.feed(html)
    scanner.close()
    if scanner.found:
        assert _may_hold_unsafe_url(html)
    assert _scan(html) == scanner.found


def test_the_pinned_sites_pages_are_left_as_they_are(built_site):
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert unsafe_urls(html) == [] and neutralise_urls(html) == html
