"""The shipped corpus: the editorial quality bar every entry must meet. Each check holds for any
valid corpus: it runs on the shipped content and on a copy with one more valid case (conftest.any_content)."""
import re

import pytest

from conftest import SHIPPED_CONTENT
from kb.content.validate import check

NUMBER = re.compile(r"\d")


@pytest.fixture(scope="module")
def corpus(any_content):
    corpus, problems = check(any_content)
    shipped = any_content == SHIPPED_CONTENT  # a copy elsewhere has no schemas/ beside it: the first-line link warns
    assert [p.format() for p in problems if shipped or p.severity == "error"] == []
    return corpus


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


def test_both_compendia_are_catalogued_article_by_article(corpus):
    sources = corpus.source_map()
    assert len(sources["kaituo-yu-chuangxin"]["contents"]) == 35
    assert len(sources["chuli-tuchu-wenti"]["contents"]) == 40


def test_every_practice_named_in_the_corpus_issue_has_an_entry(corpus):
    expected = {
        "shanghai-changning-tiaojie-daili", "shanghai-changning-jiangsulu-liqin", "shanghai-lianxiban-jicengzu",
        "shanghai-xuhui-xinxi-xitong", "shanghai-luwan-dapuqiao-sanhui-yidaili", "shanghai-qingpu-shifancun",
        "shanghai-putuo-caoyang-bailingniao", "shanghai-jinshan-jiedaizhan", "shanghai-lvshi-zhiyuantuan",
        "shanghai-huangpu-lvshi-canyu", "shanghai-lingdao-baoan", "shanghai-lianxi-huiyi", "shanghai-xinfang-bulou",
        "shanghai-yigang-shuangze", "jiangsu-xuzhou-tuiyi-junren", "shanghai-baoshan-yanghang-jiamenkou",
        "shanghai-putuo-taopu-sanfang", "shanghai-yangpu-changbai-lingjuli", "shanghai-songjiang-shihudang-qingchen",
        "henan-yima-jingyan", "yunnan-dehong-wangshang-xinfang",
    }
    assert expected <= set(corpus.case_map())


def test_glossary_has_at_least_forty_defined_terms(corpus):
    terms = corpus.glossary_terms()
    assert len(terms) >= 40 and all(len(t["definition"]) >= 10 for t in terms)


def test_every_case_region_carries_a_division_code_up_its_chain(corpus):
    for case in corpus.case_map().values():
        if case["locality"]["level"] == "national":  # nationwide practices sit at 全国, which has no division code
            continue
        chain = corpus.region_path(case["locality"]["region"])
        assert any(r.get("code") for r in chain), case["id"]
