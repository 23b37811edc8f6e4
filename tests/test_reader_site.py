"""What a reader sees on the built site in Chromium, from file:// (issue 22, points 1–5): provenance in
the compare page's downloads, no working notes, drafts marked, start and reported year apart,
inferred header facts labelled. Every page is also checked for console errors and requests off disk."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conftest import PINNED_CONTENT
from kb.content.validate import check
from kb.site.browser import chromium_path, wait_until
from kb.site.render import build_site_model

pytestmark = pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")

UNKNOWN_START = "liaoning-shenyang-yizhanshi"  # a draft, start year unknown, reported 2009, level inferred


@pytest.fixture(scope="module")
def site_model():
    corpus, _ = check(PINNED_CONTENT)
    return build_site_model(corpus)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.outside, page.errors = [], []
    page.on("request", lambda r: r.url.startswith(("file://", "data:", "about:", "blob:")) or page.outside.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    assert page.outside == [] and page.errors == []
    context.close()


def test_case_page_shows_no_working_notes_and_labels_inferred_level(built_site, page):
    page.goto((built_site / "cases" / f"{UNKNOWN_START}.html").as_uri())
    text = page.locator("article").inner_text()
    assert "编辑说明" not in text and "种子" not in text and "reported_year" not in text
    assert "地市级（编者推定）" in text
    assert "未见原文，待补" in text


def test_home_page_marks_drafts_in_the_newest_list(built_site, page, site_model):
    page.goto((built_site / "index.html").as_uri())
    items = page.locator("article li:has(a[href*='cases/'])").all_inner_texts()
    drafts = {c.title for c in site_model.cases if c.draft}
    assert items and all(("［草稿］" in t) == any(t.startswith(d) for d in drafts) for t in items)


def test_timeline_year_page_places_an_unknown_start_by_reported_year(built_site, page):
    page.goto((built_site / "years" / "2009.html").as_uri())
    line = page.locator("article li", has=page.locator(f"a[href*='{UNKNOWN_START}']")).inner_text()
    assert "开始年份不详（按报道年份）" in line and "［草稿］" in line


def test_search_facet_counts_unknown_start_years_apart(built_site, page, site_model):
    page.goto((built_site / "search.html").as_uri() + "?q=%22信访%22")
    page.wait_for_selector(".kb-search-list li")
    page.locator(".kb-facets-panel summary").click()  # the facets are folded under one line
    unknown = page.locator(".kb-facet-item[data-key=year][data-value=unknown]")
    assert unknown.inner_text().startswith("不详")
    total = page.locator(".kb-search-list li").count()
    unknown.click()
    wait_until(page, f"document.querySelectorAll('.kb-search-list li').length < {total}")
    starts = {c.id: c.start_year for c in site_model.cases}
    hrefs = page.locator(".kb-search-list li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(starts[h.rsplit("/", 1)[-1][:-5]] is None for h in hrefs)


def test_compare_download_carries_the_page_provenance(built_site, page, site_model, tmp_path):
    with_editor = next(c for c in site_model.cases if any(s.editor for s in c.statements("lessons")))
    with_unseen = next(c for c in site_model.cases if c.unseen_citations and c is not with_editor)
    page.goto((built_site / "compare.html").as_uri() + f"?ids={with_editor.id},{with_unseen.id}")
    page.wait_for_selector(".kb-compare")
    with page.expect_download() as info:
        page.click(".kb-download[data-format=xlsx]")
    info.value.save_as(tmp_path / "compare.xlsx")
    rows = {r[0]: r[1:] for r in load_workbook(tmp_path / "compare.xlsx").active.iter_rows(values_only=True)}
    assert "（编者按）" in rows["经验启示"][0]
    assert str(with_unseen.unseen_citations[0]) in rows["未见原文，待补"][1]
    assert str(with_unseen.unseen_citations[0]) not in rows["资料来源"][1]
    assert rows["字段"] == tuple(c.listed_title for c in (with_editor, with_unseen))


def test_compare_picker_marks_drafts_and_says_when_the_start_is_unknown(built_site, page):
    page.goto((built_site / "compare.html").as_uri())
    page.fill("#kb-compare-picker input", "沈阳")
    page.press("#kb-compare-picker input", "Enter")
    page.wait_for_selector("#kb-compare-picker li")
    line = page.locator("#kb-compare-picker li", has_text="沈阳市整合资源").first.inner_text()
    assert "［草稿］" in line and "2009 年报道（开始年份不详）" in line
