"""The synthetic corpus used for load tests is itself valid content."""
from conftest import PINNED_CONTENT
from kb.content.corpus import read_corpus
from kb.content.synthetic import generate
from kb.content.validate import check


def test_generated_cases_pass_validation_without_any_problem(tmp_path):
    content = generate(read_corpus(PINNED_CONTENT), tmp_path, 40)
    corpus, problems = check(content)
    assert len(corpus.cases) == 40 and problems == []


def test_generation_is_repeatable_for_a_seed(tmp_path):
    first = generate(read_corpus(PINNED_CONTENT), tmp_path / "a", 5, seed=3)
    second = generate(read_corpus(PINNED_CONTENT), tmp_path / "b", 5, seed=3)
    read = lambda root: {p.relative_to(root): p.read_text(encoding="utf-8") for p in root.rglob("cases/*/*.yaml")}
    assert read(first) == read(second)
