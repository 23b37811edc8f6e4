"""Incremental builds: a build after an edit equals a cold build byte for byte, and takes over
what did not change."""
import json
import subprocess
import sys
from pathlib import Path

from conftest import PINNED_CONTENT
from kb.build.incremental import case_outputs, read_manifest, tree_hashes
from kb.build.builder import build_site

FIXTURE = Path(__file__).parent / "fixtures" / "content"
PROJECT = Path(__file__).resolve().parents[1]


def _retitle(content: Path, case_id: str, suffix: str) -> None:
    path = next(content.rglob(f"{case_id}.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntitle: ", f"\ntitle: {suffix}", 1), encoding="utf-8")


def test_incremental_build_after_an_edit_equals_a_cold_build(tmp_path, fixture_copy):
    content = fixture_copy
    site = build_site(content, tmp_path / "inc", incremental=False)
    docs = tmp_path / "inc" / "docs"
    untouched = (site / "editors.html").stat().st_ino
    edited_before = (site / "cases" / "shanghai-changning-daili.html").read_text(encoding="utf-8")

    _retitle(content, "shanghai-changning-daili", "改")
    site = build_site(content, tmp_path / "inc")
    cold = build_site(content, tmp_path / "cold", incremental=False)

    assert tree_hashes(site) == tree_hashes(cold)
    assert tree_hashes(docs) == tree_hashes(tmp_path / "cold" / "docs")
    assert read_manifest(docs)["files"] == read_manifest(tmp_path / "cold" / "docs")["files"] == tree_hashes(docs)
    assert (site / "cases" / "shanghai-changning-daili.html").read_text(encoding="utf-8") != edited_before
    assert (site / "editors.html").stat().st_ino == untouched  # taken over, not rebuilt
    assert not list((tmp_path / "inc").glob(".build-*"))


EDIT_WITH_MANY_SHARDS = """
import json, sys
from pathlib import Path
from kb.search import sitesearch
from kb.build.incremental import read_manifest, tree_hashes
from kb.build.builder import build_site
sitesearch.TARGET_POSTINGS_PER_SHARD = 5  # many shards: an edit leaves some as they were
content, build = Path(sys.argv[1]), Path(sys.argv[2])
build_site(content, build, incremental=False)
shards = lambda: {p.name: p.stat().st_ino for p in (build / "docs" / "search" / "shards").iterdir()}
before = shards()
case = next(content.rglob("shanghai-changning-daili.yaml"))
case.write_text(case.read_text(encoding="utf-8").replace("\\ntitle: ", "\\ntitle: 改", 1), encoding="utf-8")
build_site(content, build)
after = shards()
print(json.dumps({"kept": sum(before.get(n) == i for n, i in after.items()), "shards": len(after),
                  "manifest": read_manifest(build / "docs")["files"] == tree_hashes(build / "docs")}))
"""


def test_an_edit_rewrites_only_the_search_shards_it_touches_and_records_the_others(tmp_path, fixture_copy):
    # In a fresh process, where the search stages are forked and so see the setting.
    content = fixture_copy
    done = subprocess.run([sys.executable, "-c", EDIT_WITH_MANY_SHARDS, str(content), str(tmp_path / "build")],
                          check=True, capture_output=True, text=True, cwd=PROJECT)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert 0 < found["kept"] < found["shards"] and found["manifest"]


def test_an_edit_renders_only_the_cases_that_show_it(tmp_path):
    from kb.content.corpus import read_corpus
    from kb.content.synthetic import generate

    content = generate(read_corpus(FIXTURE), tmp_path, 40)
    build_site(content, tmp_path / "inc", incremental=False)
    docs = tmp_path / "inc" / "docs"
    inputs_before = read_manifest(docs)["inputs"]
    inodes_before = {case: [(docs / rel).stat().st_ino for rel in case_outputs(case)] for case in inputs_before}
    edited = sorted(key for key in inputs_before if ":" not in key)[7]  # a case id (others: type tables, listings)
    _retitle(content, edited, "改")
    site = build_site(content, tmp_path / "inc")

    assert tree_hashes(site) == tree_hashes(build_site(content, tmp_path / "cold", incremental=False))
    inputs = read_manifest(docs)["inputs"]
    kept = [case for case in inputs if inputs[case] == inputs_before[case]]
    assert edited not in kept and 0 < len(kept) < len(inputs) - 1  # the cases naming it change too
    listings = [key for key in inputs if key.startswith("page:")]
    assert any(key in kept for key in listings) and not all(key in kept for key in listings)
    for case in inputs:  # the files of a case whose inputs are unchanged are taken over, not rendered
        same = [(docs / rel).stat().st_ino for rel in case_outputs(case)] == inodes_before[case]
        assert same == (case in kept), case


def test_bench_build_runs_at_a_small_size(tmp_path):
    out = subprocess.run([sys.executable, str(PROJECT / "scripts" / "bench_build.py"), "--cases", "20",
                          "--keep", str(tmp_path), "--content", str(PINNED_CONTENT)], capture_output=True, text=True, check=True)
    for line in ("kb build, cold", "MkDocs alone", "ratio build / MkDocs alone", "kb build, one case edited",
                 "preview sync, one case saved", "preview, save to page served", "site size", "case pages", "search data"):
        assert line in out.stdout, out.stdout


def test_validation_takes_unchanged_files_from_the_cache_and_reparses_edits(tmp_path, fixture_copy):
    from kb.content.doccache import DocumentCache
    from kb.content.validate import check

    content, cache = fixture_copy, tmp_path / "documents.pickle"
    first, problems = check(content, cache)
    _retitle(content, "shanghai-changning-daili", "改")
    documents = DocumentCache(cache)
    from kb.content.corpus import read_corpus
    corpus = read_corpus(content, documents=documents)
    files = sum(1 for _ in content.rglob("*.yaml"))
    assert documents.hits == files - 1
    assert corpus.case_map()["shanghai-changning-daili"]["title"].startswith("改")
    assert check(content, cache)[1] == problems


def test_a_file_that_fails_to_load_is_reported_again_on_the_next_run(tmp_path, fixture_copy):
    from kb.content.validate import check

    content, cache = fixture_copy, tmp_path / "documents.pickle"
    broken = next(content.rglob("shanghai-changning-daili.yaml"))
    broken.write_text(broken.read_text(encoding="utf-8") + "\ntitle: 重复\n", encoding="utf-8")
    runs = [[p for p in check(content, cache)[1] if p.file.endswith("shanghai-changning-daili.yaml")] for _ in range(2)]
    assert runs[0] and runs[0] == runs[1]


def _previewed(content: Path):
    """The copy of the fixture content (the fixture_copy fixture) with its pages generated beside it,
    and a preview's memory of them."""
    from kb.preview.state import PreviewState
    from kb.build.builder import generate_docs, valid_corpus
    from kb.preview.live import sync_docs

    docs = content.parent / "docs"
    generate_docs(valid_corpus(content), docs, handouts=False)
    state = PreviewState()
    assert sync_docs(content, docs, state) == []
    return content, docs, state


def test_preview_with_memory_rewrites_what_a_save_affects_and_matches_a_fresh_render(tmp_path, fixture_copy):
    from kb.build.builder import generate_docs, valid_corpus
    from kb.preview.live import sync_docs

    content, docs, state = _previewed(fixture_copy)
    _retitle(content, "shanghai-changning-jiangsulu-gongzuoshi", "改")
    changed = sync_docs(content, docs, state)
    assert "cases/shanghai-changning-jiangsulu-gongzuoshi.md" in changed
    assert "cases/shanghai-changning-daili.md" in changed  # names it as a part of the network
    assert "editors.md" not in changed
    fresh = tmp_path / "fresh"
    generate_docs(valid_corpus(content), fresh, handouts=False)
    assert {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*.md")} == \
           {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*.md")}


def test_a_saved_case_shows_at_once_as_the_full_round_renders_it(fixture_copy):
    from kb.preview.state import quick_pages
    from kb.preview.live import sync_docs

    content, docs, state = _previewed(fixture_copy)
    path = next(content.rglob("shanghai-changning-daili.yaml"))
    original = path.read_text(encoding="utf-8")

    _retitle(content, "shanghai-changning-daili", "改")
    quick = quick_pages(state.last, content, [path])
    assert list(quick) == ["cases/shanghai-changning-daili.md"] and "改" in quick["cases/shanghai-changning-daili.md"]
    sync_docs(content, docs, state)
    assert quick["cases/shanghai-changning-daili.md"] == (docs / "cases" / "shanghai-changning-daili.md").read_text(encoding="utf-8")

    for broken in (original.replace("\ntitle: ", "\ntitle：", 1),          # YAML it cannot read as a case
                   original.replace("\nstatus: published", "\nstatus: 已发布", 1),  # against the schema
                   original.replace("\ntitle: ", "\ntitle: 联系电话13812345678，", 1)):  # personal data
        assert broken != original
        path.write_text(broken, encoding="utf-8")
        assert quick_pages(state.last, content, [path]) is None
    new = path.with_name("shanghai-new-case.yaml")
    new.write_text(original.replace("shanghai-changning-daili", "shanghai-new-case"), encoding="utf-8")
    assert quick_pages(state.last, content, [new]) is None  # a new file waits for the full round


def test_pages_written_by_worker_processes_equal_the_rendered_pages(tmp_path, monkeypatch):
    from kb.build import pipeline
    from kb.site.render import build_site_model, render_pages
    from kb.build.builder import valid_corpus

    site = build_site_model(valid_corpus(FIXTURE))
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 0)
    count = pipeline.write_all_pages(site, tmp_path, workers=2, chunk=1)
    pages = render_pages(site)
    assert count == len(pages)
    assert {p.relative_to(tmp_path).as_posix(): p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.md")} == pages


def test_search_stages_started_afresh_from_the_cache_make_what_forked_ones_make(tmp_path, fixture_copy):
    content = fixture_copy
    # Each in a process of its own, as `kb build` runs: word segmentation keeps the words a process
    # has seen, so a fork from this test process would carry what earlier tests added.
    for name, spawn_from in (("forked", "10**9"), ("fresh", "0")):  # 0: as for a large collection
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from kb.build import pipeline; "
                        f"pipeline.SPAWN_FROM = {spawn_from}; from kb.build.builder import build_site; "
                        "build_site(Path(sys.argv[1]), Path(sys.argv[2]), incremental=False)",
                        str(content), str(tmp_path / name)], check=True)
    forked, fresh = tmp_path / "forked" / "site", tmp_path / "fresh" / "site"
    assert tree_hashes(fresh) == tree_hashes(forked)
    ours = lambda index: {k: v for k, v in tree_hashes(index).items() if not k.endswith((".toc", ".seg"))}  # whoosh names its segments at random
    assert ours(tmp_path / "fresh" / "index") == ours(tmp_path / "forked" / "index")
    from kb.search.index import Searcher
    searchers = [Searcher(tmp_path / name / "index") for name in ("fresh", "forked")]
    fresh_docs, forked_docs = (sorted((d["id"], d["title"], d["regions"]) for d in searcher.stored if d) for searcher in searchers)
    assert len(fresh_docs) == 2 and fresh_docs == forked_docs
    for searcher in searchers:
        searcher.close()
