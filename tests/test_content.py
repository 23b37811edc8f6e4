"""The content's editorial bar. The live corpus (editors add cases to it) is held only to what holds
for any corpus `kb validate` accepts: these checks run on what kb validate lets onto the site, for
content/ and for a copy with one more valid case (conftest.any_content). Counts and particular
entries are checked on the pinned corpus (conftest.PINNED_CONTENT), which no added case changes."""
import re

import pytest

from conftest import PINNED_CONTENT
from kb.content.lifecycle import publishable
from kb.content.validate import check
from kb.site.render import build_site_model, render_pages

NUMBER = re.compile(r"\d")


@pytest.fixture(scope="module")
def corpus(any_content):
    """What `kb validate` accepts and the site is built from: drafts with problems are held back as reminders."""
    shown = publishable(*check(any_content), editors=True)
    assert [p.format() for p in shown.problems if p.severity == "error"] == []
    return shown.corpus


@pytest.fixture(scope="module")
def pinned():
    return check(PINNED_CONTENT)[0]  # without a single problem (tests/test_validate.py)


def test_every_case_cites_at_least_one_known_source(corpus):
    citable = set(corpus.source_map()) | set(corpus.article_map())
    for case in corpus.case_map().values():
        assert case["sources"] and all(s["source"] in citable for s in case["sources"]), case["id"]


def test_every_outcome_figure_has_its_unit_and_period(corpus):
    for case in corpus.case_map().values():
        for outcome in case.get("outcomes", []):
            assert outcome["period"].strip() and NUMBER.search(outcome["period"]), (case["id"], outcome)
            if "value" in outcome:
                assert outcome["unit"].strip(), (case["id"], outcome)
            if "change" in outcome:
                assert outcome["change"]["unit"].strip() and outcome["change"]["baseline"].strip()


def test_every_page_of_the_site_renders(corpus):
    """Whatever valid cases are added, every page can be made (a case with no year once stopped them all)."""
    pages = render_pages(build_site_model(corpus, history={}))
    assert {"index.md", "years.md", "stats.md"} <= set(pages)
    assert {f"cases/{case_id}.md" for case_id in corpus.case_map()} <= set(pages)


def test_both_compendia_are_catalogued_article_by_article(pinned):
    sources = pinned.source_map()
    assert len(sources["kaituo-yu-chuangxin"]["contents"]) == 35
    assert len(sources["chuli-tuchu-wenti"]["contents"]) == 40


def test_every_practice_named_in_the_corpus_issue_has_an_entry(pinned):
    expected = {
        "shanghai-changning-tiaojie-daili", "shanghai-changning-jiangsulu-liqin", "shanghai-lianxiban-jicengzu",
        "shanghai-xuhui-xinxi-xitong", "shanghai-luwan-dapuqiao-sanhui-yidaili", "shanghai-qingpu-shifancun",
        "shanghai-putuo-caoyang-bailingniao", "shanghai-jinshan-jiedaizhan", "shanghai-lvshi-zhiyuantuan",
        "shanghai-huangpu-lvshi-canyu", "shanghai-lingdao-baoan", "shanghai-lianxi-huiyi", "shanghai-xinfang-bulou",
        "shanghai-yigang-shuangze", "jiangsu-xuzhou-tuiyi-junren", "shanghai-baoshan-yanghang-jiamenkou",
        "shanghai-putuo-taopu-sanfang", "shanghai-yangpu-changbai-lingjuli", "shanghai-songjiang-shihudang-qingchen",
        "henan-yima-jingyan", "yunnan-dehong-wangshang-xinfang",
    }
    assert expected <= set(pinned.case_map())


def test_glossary_has_at_least_forty_defined_terms(pinned):
    terms = pinned.glossary_terms()
    assert len(terms) >= 40 and all(len(t["definition"]) >= 10 for t in terms)


def test_every_case_region_carries_a_division_code_up_its_chain(pinned):
    for case in pinned.case_map().values():
        if case["locality"]["level"] == "national":  # nationwide practices sit at 全国, which has no division code
            continue
        chain = pinned.region_path(case["locality"]["region"])
        assert any(r.get("code") for r in chain), case["id"]
