"""Rendering: golden pages for a fixed fixture corpus, and the derived views."""
import os
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kb.site.citation import reference
from kb.site.render import build_site_model, render_pages
from kb.content.validate import check

FIXTURE = Path(__file__).parent / "fixtures" / "content"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def pages():
    corpus, problems = check(FIXTURE)
    assert not [p for p in problems if p.severity == "error"], problems
    return render_pages(build_site_model(corpus, history={}))  # the git log is tested on its own (test_history.py)


@pytest.mark.parametrize("page", ["cases/shanghai-changning-daili.md", "types/xinfang-daili.md", "backlog.md"])
def test_page_matches_golden_file(pages, page):
    golden = GOLDEN / page.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(pages[page], encoding="utf-8")
    assert pages[page] == golden.read_text(encoding="utf-8")


def test_case_page_shows_outcomes_with_unit_period_and_evidence(pages):
    page = pages["cases/shanghai-changning-daili.md"]
    assert "| 人民调解协议书 | 719 份 | — | 截至2007年 | 新闻报道 |" in page
    assert "-5.6%（比上年）" in page


def test_workflow_is_an_ordered_diagram_in_step_order(pages):
    page = pages["cases/shanghai-changning-daili.md"]
    flow = page[page.index('<ol class="kb-flow">'):page.index("</ol>")]
    steps = [flow.index(f"<strong>{s}</strong>") for s in ("填写登记表", "确定受理部门", "归档")]
    assert steps == sorted(steps)


def test_part_of_links_both_ways(pages):
    child = pages["cases/shanghai-changning-jiangsulu-gongzuoshi.md"]
    parent = pages["cases/shanghai-changning-daili.md"]
    assert "[测试区信访代理工作室网络](shanghai-changning-daili.md)" in child
    assert "[测试街道代理工作室](shanghai-changning-jiangsulu-gongzuoshi.md)" in parent


def test_draft_case_carries_a_draft_notice(pages):
    assert '!!! warning "草稿"' in pages["cases/shanghai-changning-jiangsulu-gongzuoshi.md"]
    assert '!!! warning "草稿"' not in pages["cases/shanghai-changning-daili.md"]


def test_backlog_lists_only_articles_no_case_cites(pages):
    assert "尚未收录的一篇" in pages["backlog.md"]
    assert "建立代理工作室" not in pages["backlog.md"]


def test_region_tree_counts_cases_below_each_node(pages):
    assert "**长宁区**（2）" in pages["regions.md"]
    assert "**江苏路街道**（1）" in pages["regions.md"]


def test_glossary_links_terms_to_cases_that_use_them(pages):
    glossary = pages["glossary.md"]
    entry = glossary[glossary.index("## 信访代理"):]
    assert "用到这个术语的案例：[测试区信访代理工作室网络](cases/shanghai-changning-daili.md)" in entry


def test_editors_page_lists_every_case_field_from_the_schema(pages):
    from kb.content.schemas import schema
    for field in schema("case")["properties"]:
        assert f"| `{field}` |" in pages["editors.md"]


def test_citation_of_a_compendium_article_follows_gbt7714():
    book = {"kind": "book", "title": "开拓与创新", "authors": ["甲单位", "乙单位", "丙单位"],
            "publisher": "上海人民出版社", "place": "上海", "year": 2007}
    article = {"title": "整合资源", "unit": "长宁区信访办公室", "unit_role": "author", "page": 3}
    assert reference(book, article, "3-9") == "长宁区信访办公室. 整合资源[M]//甲单位, 乙单位, 丙单位. 开拓与创新[M]. 上海: 上海人民出版社, 2007: 3-9."


def test_citation_with_more_than_three_authors_uses_deng():
    book = {"kind": "book", "title": "书", "authors": ["甲", "乙", "丙", "丁"], "publisher": "社", "place": "京", "year": 2010}
    assert reference(book).startswith("甲, 乙, 丙, 等. 书[M].")


def test_citation_of_a_web_page_without_url_keeps_the_date():
    page = {"kind": "web", "title": "老娘舅的新攻略", "year": 2019, "date": "2019-06-23"}
    assert reference(page) == "老娘舅的新攻略[EB/OL]. (2019-06-23)."


def test_citation_of_a_book_without_year_says_so():
    book = {"kind": "book", "title": "探索与实践", "authors": ["国家信访局"]}
    assert reference(book) == "国家信访局. 探索与实践[M]. 出版地不详: 出版者不详, 出版年不详."


def test_hard_wrapped_chinese_prose_is_joined_without_spaces():
    from kb.site.render import prose, unwrap
    assert unwrap("组建\n工作室，有 ISO9001\n认证\n\n第二段") == "组建工作室，有 ISO9001认证\n\n第二段"
    assert prose("政府购买服务 组建“人民调解” 工作室") == "政府购买服务组建“人民调解”工作室"
    assert prose("Word one two") == "Word one two"


def test_timeline_lists_start_years_and_dated_milestones(pages):
    years = pages["years.md"]
    assert years.index("## 2004") < years.index("](years/2004.md)") < years.index("## 2007") < years.index("](years/2007.md)")
    assert "· 开始实施" in pages["years/2004.md"]
    assert "3月：全市会议要求推广这一机制" in pages["years/2007.md"]


def test_every_listing_links_to_its_own_pages(pages):
    assert "[**长宁区**（2）](regions/shanghai-changning.md)" in pages["regions.md"]
    assert "(../cases/shanghai-changning-daili.md)" in pages["regions/shanghai-changning.md"]
    assert "[上海市](shanghai.md)" in pages["regions/shanghai-changning.md"]
    assert "(themes/jiceng-jichu.md)" in pages["themes.md"]
    assert "(../cases/shanghai-changning-daili.md)" in pages["themes/jiceng-jichu.md"]
    assert "(tags/t-4fe1-8bbf-4ee3-7406.md)" in pages["tags.md"]
    assert "(../cases/shanghai-changning-daili.md)" in pages["tags/t-4fe1-8bbf-4ee3-7406.md"]


def test_long_listings_are_split_into_pages_that_link_to_each_other():
    from kb.site.render import page_environment, paginated
    corpus, _ = check(FIXTURE)
    site = build_site_model(corpus)
    entries = [(case, f"第{n}项") for n, case in enumerate(site.cases * 3)][:5]
    pages = paginated(page_environment(), "year.md.j2", "years/2004", entries, size=2, year=2004)
    assert list(pages) == ["years/2004.md", "years/2004-2.md", "years/2004-3.md"]
    assert [p.count("\n- [") for p in pages.values()] == [2, 2, 1]
    assert "第 2 / 3 页：[1](2004.md) · **2** · [3](2004-3.md)" in pages["years/2004-2.md"]
    assert "（5 项）" in pages["years/2004-3.md"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.fixed_dictionaries({"term": st.text(alphabet="信访代理员调解", min_size=1, max_size=4)},
                                      optional={"aliases": st.lists(st.text(alphabet="信访代理员调解", max_size=3), max_size=2)}),
                max_size=8),
       st.text(alphabet="信访代理员调解 ，", max_size=30))
def test_glossary_matching_in_one_pass_equals_looking_for_each_word(glossary, text):
    from kb.site.render import glossary_matcher

    naive = [t for t in glossary if any(w in text for w in [t["term"], *t.get("aliases", [])])]
    assert glossary_matcher(glossary)(text) == naive


def test_glossary_terms_taken_from_the_last_build_equal_terms_found_afresh(tmp_path):
    from conftest import PINNED_CONTENT
    from kb.build.incremental import case_digests

    corpus, _ = check(PINNED_CONTENT)
    cache = tmp_path / "glossary-terms.marshal"
    terms = lambda site: {c.id: [t["term"] for t in c.terms] for c in site.cases}
    build_site_model(corpus, digests=case_digests(corpus), terms_cache=cache)
    edited = corpus.cases[0]
    term = next(t["term"] for t in corpus.glossary_terms() if t["term"] not in edited.text)
    edited.data["summary"] += f"另见{term}。"
    edited.text += "\n# edited\n"  # what its digest is made from
    cached = build_site_model(corpus, digests=case_digests(corpus), terms_cache=cache)
    assert term in terms(cached)[edited.data["id"]]
    differing = lambda a, b: [k for k in a if a[k] != b[k]]  # (a plain == makes pytest diff every case)
    assert differing(terms(cached), terms(build_site_model(corpus))) == []
    other = corpus.cases[1]
    absent = next(t for t in corpus.glossary_terms() if t["term"] not in terms(cached)[other.data["id"]])
    absent["aliases"] = [*absent.get("aliases", []), other.data["title"][:4]]  # another glossary: now found in it
    assert differing(terms(build_site_model(corpus, digests=case_digests(corpus), terms_cache=cache)),
                     terms(build_site_model(corpus))) == []


EDITOR_PAGES = ("dashboard.md", "editors.md", "editors-office.md")  # the editors' own tables say 草稿 in a column


def test_every_link_to_a_draft_case_on_a_reader_page_is_marked(pages):
    """Home, type pages and tables, regions, themes, tags, years, glossary, sources, lessons, related cases."""
    import re

    drafts = {"shanghai-changning-jiangsulu-gongzuoshi"}
    marked = unmarked = 0
    linking = set()
    for path, text in pages.items():
        if path in EDITOR_PAGES:
            continue
        for match in re.finditer(r"\]\((?:\.\./)*(?:cases/)?([a-z0-9-]+)\.md\)(［草稿］)?", text):
            if match.group(1) in drafts:
                assert match.group(2), f"{path}: draft linked without ［草稿］: {match.group(0)}"
                marked += 1
                linking.add(path.split("/")[0].split(".")[0])
            elif match.group(2):
                unmarked += 1
    assert unmarked == 0
    assert {"index", "types", "regions", "themes", "tags", "years", "cases"} <= linking, linking


def test_home_and_stats_count_the_drafts(pages):
    assert "（其中 1 个草稿，标［草稿］）" in pages["index.md"]
    assert "（其中 1 个是资料不全的草稿）" in pages["stats.md"]


def test_timeline_places_a_case_without_start_year_by_reported_year_labelled_so(pages):
    draft_year = pages["years/2007.md"]  # the draft fixture case: reported 2007, start unknown
    line = next(l for l in draft_year.splitlines() if "shanghai-changning-jiangsulu-gongzuoshi" in l)
    assert "开始年份不详（按报道年份）" in line
    started = pages["years/2004.md"]  # the published case started in 2004 and is not placed by its report
    assert "开始实施" in started and "按报道年份" not in started
    assert "按报道年份" in pages["years.md"]


def test_every_case_is_on_the_timeline(pages):
    on_timeline = {m for p, text in pages.items() if p.startswith("years/") for m in
                   __import__("re").findall(r"cases/([a-z0-9-]+)\.md", text)}
    assert on_timeline == {"shanghai-changning-daili", "shanghai-changning-jiangsulu-gongzuoshi"}


def test_charts_say_how_many_cases_they_cover(pages):
    stats = pages["stats.md"]
    assert "做法开始实施的年份（2 个案例中写明的 1 个）" in stats
    assert "资料报道的年份（2 个案例）" in stats
    assert "成效数据条数：按做法类型和来源（1 个案例）" in stats


def test_header_facts_the_editors_inferred_are_labelled(pages):
    inferred = pages["cases/shanghai-changning-jiangsulu-gongzuoshi.md"]
    region = next(l for l in inferred.splitlines() if l.startswith("| 地区 |"))
    level = next(l for l in inferred.splitlines() if l.startswith("| 实施层级 |"))
    assert region.endswith('<small class="kb-inferred">（编者推定）</small> |')
    assert level == '| 实施层级 | 街镇级<small class="kb-inferred">（编者推定）</small> |'
    assert "编者推定" not in pages["cases/shanghai-changning-daili.md"]


def test_a_case_with_no_year_at_all_is_listed_apart_from_the_timeline_and_counted_in_the_charts(tmp_path):
    """`period: {}` is valid (the sources give no year): the site is still made, and no year is made up."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    draft = content / "cases" / "shanghai" / "shanghai-changning-jiangsulu-gongzuoshi.yaml"
    draft.write_text(draft.read_text(encoding="utf-8").replace("period: {reported_year: 2007}", "period: {}"), encoding="utf-8")
    corpus, problems = check(content)
    assert not [p for p in problems if p.severity == "error"], problems
    pages = render_pages(build_site_model(corpus, history={}))
    assert not [p for p, text in pages.items() if p.startswith("years/") and "shanghai-changning-jiangsulu-gongzuoshi" in text]
    undated = pages["years.md"].split("## 年份不详", 1)[1]
    assert "(cases/shanghai-changning-jiangsulu-gongzuoshi.md)［草稿］" in undated
    assert "shanghai-changning-daili" not in undated
    assert "资料报道的年份（2 个案例中写明的 1 个）" in pages["stats.md"]
    assert "年份不详" in pages["cases/shanghai-changning-jiangsulu-gongzuoshi.md"]
