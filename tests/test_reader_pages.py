"""What a reader sees in Chromium: the search page (first screen, snippets, Back), the map page,
phone layouts of wide tables and charts, and no console error or CSP violation on any page,
from file:// and over http."""
import functools
import http.server
import threading

import pytest

from kb.site.browser import chromium_path, open_search_page, wait_until

pytestmark = pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")

DESKTOP, PHONE = (1366, 768), (390, 844)


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


@pytest.fixture(scope="module")
def http_root(site):
    """The built site served over http on a free port (as any static host would)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def roots(site, http_root):
    return {"file": site.as_uri() + "/", "http": http_root}


def watched_page(chromium, size=DESKTOP, phone=False):
    """A page recording console errors (CSP violations among them), script errors and requests
    that leave the site."""
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.problems, page.outside = [], []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("file://", "data:", "about:", "http://127.0.0.1"))
            or page.outside.append(r.url))
    return page


# ------------------------------------------------------------------------------ search page

@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_results_begin_on_the_first_screen(site, chromium, size):
    page = watched_page(chromium, size, phone=size == PHONE)
    page.goto((site / "search.html").as_uri() + "?q=信访代理")
    page.wait_for_selector(".kb-search-list li")
    top = page.evaluate("document.querySelector('.kb-search-list li').getBoundingClientRect().top")
    assert top < size[1] - 60, f"the first result starts at {top} px"
    assert page.problems == [] and page.outside == []


def test_every_result_has_a_snippet_with_the_matched_words_marked_as_kb_search_marks_them(site, chromium):
    from kb.search.evaluate import judged_queries
    from kb.search.index import Searcher

    queries = [q["query"] for q in judged_queries()][:25] + ["信访代理", "网络信访怎么办", '"人民调解"']
    page = open_search_page(chromium, site)
    searcher = Searcher(site.parent / "index")
    try:
        for q in queries:
            site_snippets = page.evaluate("q => KBSearch.search(q).then(r => KBSearch.snippets(r.results.slice(0, 10)))", q)
            cli_snippets = [h.snippet for h in searcher.search(q, limit=10)]
            as_cli = [s.replace("<mark>", "【").replace("</mark>", "】").replace("&quot;", '"').replace("&lt;", "<")
                      .replace("&gt;", ">").replace("&amp;", "&") for s in site_snippets]
            assert as_cli == cli_snippets, q
    finally:
        searcher.close()


def test_the_result_list_shows_snippets_with_marks_and_marks_only_query_words(site, chromium):
    page = watched_page(chromium)
    page.goto((site / "search.html").as_uri() + "?q=信访代理")
    page.wait_for_selector(".kb-search-list li")
    items = page.locator(".kb-search-list li")
    assert items.count() >= 2
    for i in range(items.count()):
        marks = items.nth(i).locator(".kb-snippet mark").all_inner_texts()
        assert marks and {m.lower() for m in marks} == {"信访代理"}


@pytest.mark.parametrize("protocol", ["file", "http"])
def test_back_from_a_case_keeps_the_query_and_the_results(site, http_root, chromium, protocol):
    page = watched_page(chromium)
    page.goto(roots(site, http_root)[protocol] + "search.html")
    page.fill("#kb-search-form input[name=q]", "五定")
    page.press("#kb-search-form input[name=q]", "Enter")
    page.wait_for_selector(".kb-search-list li a")
    titles = page.locator(".kb-search-list li a").all_inner_texts()
    page.locator(".kb-search-list li a").first.click()
    page.wait_for_load_state()
    assert "/cases/" in page.url
    page.go_back()
    page.wait_for_selector(".kb-search-list li a")
    assert page.input_value("#kb-search-form input[name=q]") == "五定"
    assert page.locator(".kb-search-list li a").all_inner_texts() == titles
    assert page.problems == []


def test_a_chosen_filter_survives_a_reload(site, chromium):
    page = watched_page(chromium)
    page.goto((site / "search.html").as_uri() + "?q=%22信访%22")
    page.wait_for_selector(".kb-search-list li")
    total = page.locator(".kb-search-list li").count()
    page.locator(".kb-facets-panel summary").click()
    page.locator(".kb-facet-item", has_text="长宁区").first.click()
    wait_until(page, f"document.querySelectorAll('.kb-search-list li').length < {total}")
    narrowed = page.locator(".kb-search-list li a").all_inner_texts()
    page.reload()
    page.wait_for_selector(".kb-search-list li")
    assert page.locator(".kb-search-list li a").all_inner_texts() == narrowed
    assert "长宁区" in page.locator(".kb-facets-panel summary").inner_text()


@pytest.mark.parametrize("query", ["信访", "信访工作", "工作", "区块链", "信访 怎么办"])
def test_zero_result_help_never_suggests_the_query_itself(site, chromium, query):
    from kb.search.index import Searcher

    page = open_search_page(chromium, site)
    result = page.evaluate("q => KBSearch.search(q).then(r => ({n: r.results.length, s: r.suggestions}))", query)
    assert result["n"] == 0
    asked = "".join(query.split())
    assert asked not in result["s"] and not set(query.split()) & set(result["s"])
    searcher = Searcher(site.parent / "index")
    try:
        suggested = searcher.suggestions(query)
    finally:
        searcher.close()
    assert suggested == result["s"]


def test_a_generic_word_alone_gets_other_terms_to_try_that_do_find_cases(site, chromium):
    page = watched_page(chromium)
    page.goto((site / "search.html").as_uri() + "#q=信访")
    page.wait_for_selector(".kb-search-suggest a")
    suggestions = page.locator(".kb-search-suggest a").all_inner_texts()
    assert suggestions and "信访" not in suggestions
    page.locator(".kb-search-suggest a").first.click()
    page.wait_for_selector(".kb-search-list li")
    assert page.input_value("#kb-search-form input[name=q]") == suggestions[0]


def test_the_help_text_describes_partial_matches_not_that_every_word_is_required(site, chromium):
    page = watched_page(chromium)
    page.goto((site / "search.html").as_uri())
    text = page.locator(".md-content").inner_text()
    assert "部分匹配" in text and "都要包含" not in text


# ------------------------------------------------------------------------------ map page

@pytest.mark.parametrize("protocol", ["file", "http"])
def test_map_tiles_show_counts_and_open_the_region_page(site, http_root, chromium, protocol):
    page = watched_page(chromium, PHONE, phone=True)
    page.goto(roots(site, http_root)[protocol] + "map.html")
    assert page.locator("svg.kb-tilemap").first.locator("rect").count() == 34
    shanghai = page.locator('svg.kb-tilemap a[href="regions/shanghai.html"]').first
    count = int(shanghai.locator(".kb-tile-count").text_content().split()[0])
    shanghai.click()
    page.wait_for_load_state()
    assert page.url.endswith("regions/shanghai.html")
    assert f"共 {count} 个案例" in page.locator(".md-content").inner_text()
    assert page.problems == [] and page.outside == []


def test_map_shows_the_districts_of_a_province_with_several_cases(site, chromium):
    page = watched_page(chromium, PHONE, phone=True)
    page.goto((site / "map.html").as_uri())
    assert page.locator("h2", has_text="上海市").count() == 1
    assert page.locator('svg.kb-tilemap a[href="regions/shanghai-changning.html"]').count() == 1
    assert "审图号" in page.locator(".md-content").inner_text()


# ------------------------------------------------------------------------------ phone layouts

PHONE_PAGES = ["compare.html?ids=shanghai-changning-tiaojie-daili,shanghai-xuhui-xinxi-xitong,shanghai-baoshan-yanghang-jiamenkou",
               "stats.html", "types/xinfang-daili.html", "cases/shanghai-changning-tiaojie-daili.html", "map.html",
               "search.html?q=信访代理"]

SMALLEST_TEXT = """() => {
  const small = [];
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  for (const el of document.querySelectorAll('.md-content table *, .md-content table, .kb-search-list *, .kb-facets-panel *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own && visible(el) && parseFloat(getComputedStyle(el).fontSize) < 12) small.push(el.textContent.trim().slice(0, 20) + ' ' + getComputedStyle(el).fontSize);
  }
  for (const svg of document.querySelectorAll('svg.kb-chart, svg.kb-tilemap')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (t.textContent.trim() && px < 11.95) small.push(t.textContent.trim() + ' ' + px.toFixed(1) + 'px');
    }
  }
  return small;
}"""

SCROLL_CUES = """() => [...document.querySelectorAll('.md-typeset__scrollwrap, .kb-compare-scroll, .kb-figure')]
  .filter(box => box.scrollWidth - box.clientWidth > 2)
  .map(box => {
    const hint = box.previousElementSibling, before = box.classList.contains('kb-more-right');
    const cells = box.querySelectorAll('tr:last-child > *');
    const first = cells[0], second = cells[1];
    const y0 = second && second.getBoundingClientRect().left;
    box.scrollLeft = box.scrollWidth;
    box.dispatchEvent(new Event('scroll'));
    return {hint: !!hint && hint.classList.contains('kb-scroll-hint') && hint.getBoundingClientRect().height > 0,
            faded: before, fadedAtEnd: box.classList.contains('kb-more-right'),
            table: !!first, stuck: first ? Math.abs(first.getBoundingClientRect().left - box.getBoundingClientRect().left) < 2 : true,
            moved: second ? second.getBoundingClientRect().left < y0 - 20 : true};
  })"""


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_phone_pages_have_legible_text_no_sideways_page_and_scroll_cues(site, chromium, path):
    page = watched_page(chromium, PHONE, phone=True)
    page.goto((site / path.split("?")[0]).as_uri() + ("?" + path.split("?")[1] if "?" in path else ""))
    if "compare" in path:
        page.wait_for_selector("table.kb-compare")
    if "search" in path:
        page.wait_for_selector(".kb-search-list li")
    page.wait_for_timeout(200)  # kb.js marks scrolling boxes on the next frame
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert page.evaluate(SMALLEST_TEXT) == []
    for box in page.evaluate(SCROLL_CUES):
        assert box["hint"] and box["faded"] and not box["fadedAtEnd"], box
        assert box["stuck"] and box["moved"], box  # the first column stays while the others scroll
    assert page.problems == [] and page.outside == []


def test_the_compare_label_column_takes_at_most_a_quarter_of_a_phone(site, chromium):
    page = watched_page(chromium, PHONE, phone=True)
    page.goto((site / "compare.html").as_uri() + "?ids=shanghai-changning-tiaojie-daili,shanghai-xuhui-xinxi-xitong")
    page.wait_for_selector("table.kb-compare")
    width = page.evaluate("document.querySelector('table.kb-compare tbody th').getBoundingClientRect().width")
    assert width <= PHONE[0] / 4


# ------------------------------------------------------------------------------ every page

def every_page(site, protocol: str) -> list[str]:
    """Every built page; from disk not 404.html, which only a web server shows (its links start at the site root)."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return [p for p in pages if not (protocol == "file" and p == "404.html")]


@pytest.mark.parametrize("protocol", ["file", "http"])
def test_no_page_logs_an_error_or_a_csp_violation(site, http_root, chromium, protocol):
    page = watched_page(chromium)
    root = roots(site, http_root)[protocol]
    found = {}
    for rel in every_page(site, protocol) + ["search.html?q=信访代理", "compare.html?ids=shanghai-changning-tiaojie-daili,shanghai-xuhui-xinxi-xitong"]:
        page.problems.clear()
        page.goto(root + rel, wait_until="load")
        page.wait_for_timeout(30)
        if page.problems:
            found[rel] = list(page.problems)
    assert found == {}
    assert page.outside == []
