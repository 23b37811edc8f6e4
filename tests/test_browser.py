"""The built site in headless Chromium, opened from disk: search, navigation, offline use."""
import zipfile

import pytest

from kb.site.browser import chromium_path, open_search_page, run_site_search, wait_until
from conftest import PINNED_CONTENT
from kb.search.index import case_document
from kb.build.builder import package_site
from kb.content.validate import check

pytestmark = pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


@pytest.fixture(scope="module")
def corpus():
    corpus, _ = check(PINNED_CONTENT)
    return corpus


def containing(corpus, word):
    types = corpus.taxonomy("practice_type")
    return {c["id"] for c in corpus.case_map().values() if word.lower() in case_document(c, corpus, types)["searchable"].lower()}


def offline_page(chromium):
    """A page that records every request that is not for a file on disk."""
    page = chromium.new_page()
    page.outside = []
    page.on("request", lambda r: r.url.startswith(("file://", "data:", "about:")) or page.outside.append(r.url))
    return page


@pytest.mark.parametrize("word", ["人民调解", "动拆迁", "军队退役人员", "示范村", "民调解信", "信访代理工作室", "家门口"])
def test_site_search_finds_exactly_the_cases_containing_a_quoted_word(site, chromium, corpus, word):
    page = open_search_page(chromium, site)
    run, _ = run_site_search(page, [f'"{word}"'])
    assert set(run[f'"{word}"']) == containing(corpus, word)


def test_site_search_returns_nothing_for_a_term_absent_from_the_corpus(site, chromium):
    page = open_search_page(chromium, site)
    run, _ = run_site_search(page, ["量子计算", "包饺子"])
    assert run == {"量子计算": [], "包饺子": []}


def test_site_search_returns_the_same_ids_in_the_same_order_as_kb_search_on_every_judged_query(site, chromium):
    from kb.search.evaluate import TUNING_FILES, judged_queries, natural_queries
    from kb.search.index import Searcher
    tuning = [q for path in TUNING_FILES for q in natural_queries(path)]
    queries = list(dict.fromkeys(q["query"] for q in judged_queries() + tuning))
    page = open_search_page(chromium, site)
    run, _ = run_site_search(page, queries)
    searcher = Searcher(site.parent / "index")
    try:
        differing = [q for q in queries if run[q] != [h.id for h in searcher.search(q, limit=None)]]
    finally:
        searcher.close()
    assert differing == []


def test_site_search_names_absent_concepts_and_suggests_terms(site, chromium):
    page = offline_page(chromium)
    page.goto((site / "search.html").as_uri() + "?q=人工智能接访")
    page.wait_for_selector(".kb-search-suggest")
    text = page.locator("#kb-search-results").inner_text()
    assert "库中没有“人工" in text and "智能”" in text and "接访" in text and "做法类型" in text
    assert page.outside == []


def test_site_search_says_when_a_quoted_phrase_was_searched_as_its_words(site, chromium):
    page = offline_page(chromium)
    page.goto((site / "search.html").as_uri() + "?q=" + "%22有信访我代办%22")
    page.wait_for_selector(".kb-search-list li")
    assert "没有案例含有与“有信访我代办”完全一致的说法" in page.locator("#kb-search-results").inner_text()
    assert page.outside == []


def test_site_search_offers_each_concept_alone_when_no_case_has_them_together(site, chromium):
    from kb.search.index import Searcher
    searcher = Searcher(site.parent / "index")
    try:
        expected = searcher.run("老上访户的事怎么了结").separately()
    finally:
        searcher.close()
    page = offline_page(chromium)
    page.goto((site / "search.html").as_uri() + "?q=" + "老上访户的事怎么了结")
    page.wait_for_selector(".kb-search-separately")
    text = page.locator(".kb-search-separately").inner_text()
    assert expected and text == "没有案例同时含有这些要点。可以分别检索：" + "、".join(f"“{t}”（{n} 个案例）" for t, n in expected)
    page.locator(".kb-search-separately a").first.click()
    page.wait_for_selector(".kb-search-list li")
    assert page.locator(".kb-search-list li").count() == expected[0][1]
    assert page.outside == []


def test_site_search_labels_partial_matches_and_synonyms(site, chromium):
    page = offline_page(chromium)
    page.goto((site / "search.html").as_uri() + "?q=" + "网络信访怎么办")
    page.wait_for_selector(".kb-search-list li")
    assert "按“" in page.locator(".kb-search-list").inner_text()


def test_search_page_shows_place_type_year_and_narrows_by_facet(site, chromium):
    page = offline_page(chromium)
    page.goto((site / "search.html").as_uri() + "?q=%22信访%22")
    page.wait_for_selector(".kb-search-list li")
    total = page.locator(".kb-search-list li").count()
    first = page.locator(".kb-search-list li").first.inner_text()
    assert "上海市" in first and "·" in first
    page.locator(".kb-facets-panel summary").click()  # the facets are folded under one line
    page.locator(".kb-facet-item", has_text="长宁区").first.click()
    wait_until(page, f"document.querySelectorAll('.kb-search-list li').length < {total}")
    titles = page.locator(".kb-search-list li a").all_inner_texts()
    assert titles and all("长宁" in t for t in titles)
    assert page.outside == []


def test_home_page_search_then_follow_a_result_from_disk(site, chromium):
    page = offline_page(chromium)
    page.goto((site / "index.html").as_uri())
    page.fill(".kb-search-form input[name=q]", "有信访我代理")
    page.press(".kb-search-form input[name=q]", "Enter")
    page.wait_for_selector(".kb-search-list li a")
    title = page.locator(".kb-search-list li a").first.inner_text()
    page.locator(".kb-search-list li a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == title
    assert page.outside == []


def test_offline_zip_opens_from_disk_searches_and_follows_a_link(site, chromium, tmp_path):
    archive = package_site(site, tmp_path / "offline.zip")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "usb")
    root = tmp_path / "usb" / "信访工作经验库"
    page = offline_page(chromium)
    page.goto((root / "index.html").as_uri())
    page.locator("a[href='search.html']").first.click()
    page.wait_for_url("**/search.html*")  # else the query may be typed into the page being left
    page.wait_for_load_state()
    page.fill("#kb-search-form input[name=q]", "五定")
    page.press("#kb-search-form input[name=q]", "Enter")
    page.wait_for_selector(".kb-search-list li a")
    page.locator(".kb-search-list li a").first.click()
    page.wait_for_load_state()
    assert "五定" in page.content()
    assert page.outside == []


def test_compare_page_puts_chosen_cases_side_by_side_and_adds_from_search(site, chromium):
    page = offline_page(chromium)
    page.goto((site / "compare.html").as_uri() + "?ids=shanghai-changning-tiaojie-daili,shanghai-xuhui-xinxi-xitong")
    page.wait_for_selector("table.kb-compare")
    headers = page.locator("table.kb-compare thead th").all_inner_texts()
    assert len(headers) == 3 and "长宁区" in headers[1] and "徐汇区" in headers[2]
    outcome_row = page.locator("table.kb-compare tbody tr", has_text="成效数据").inner_text()
    assert "87.8%" in outcome_row
    page.fill("#kb-compare-picker input", "清晨访问团")
    page.press("#kb-compare-picker input", "Enter")
    page.locator(".kb-compare-add").first.click()
    wait_until(page, "document.querySelectorAll('table.kb-compare thead th').length === 4")
    assert "石湖荡" in page.locator("table.kb-compare thead").inner_text()
    assert page.outside == []


def test_site_search_agrees_with_kb_search_on_random_mixtures_of_words(site, chromium):
    """Segmentation, stopwords, regions, verbatim runs and ranking are one definition in two languages."""
    import json
    import random

    from kb.search.index import Searcher
    data = json.loads((site.parent / "index" / "query.json").read_text(encoding="utf-8"))
    pool = data["words"] + data["stop"] * 2 + list(data["regions"]) + ["区块链", "12345", '"人民调解"', " ", "，", "办"]
    rng = random.Random(3)
    queries = list(dict.fromkeys("".join(rng.choice(pool) for _ in range(rng.randint(1, 5))) for _ in range(150)))
    page = open_search_page(chromium, site)
    run, _ = run_site_search(page, queries)
    searcher = Searcher(site.parent / "index")
    try:
        assert [q for q in queries if run[q] != [h.id for h in searcher.search(q, limit=None)]] == []
    finally:
        searcher.close()
