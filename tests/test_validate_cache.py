"""Validation with caches reports exactly what validation without them reports: cold, warm,
after edits, additions, deletions, changes to shared files (allow-list, taxonomy, regions) and
with a damaged cache."""
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from kb.content.checkcache import CheckMemo
from kb.content.corpus import read_corpus
from kb.content.doccache import DocumentCache
from kb.content.load import plain_value, _bool, _float, _int, _null
from kb.content.privacy import DETECTORS, TERMS_OF_ADDRESS, findings, scan
from kb.content.validate import _check_in_parallel, check, validate

FIXTURE = Path(__file__).parent / "fixtures" / "content"
CASE = "cases/shanghai/shanghai-changning-daili.yaml"
OTHER = "cases/shanghai/shanghai-changning-jiangsulu-gongzuoshi.yaml"


def _replace(content: Path, rel: str, old: str, new: str) -> None:
    path = content / rel
    if path.exists():
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def phone_in_summary(content):
    _replace(content, CASE, "\nsummary: ", "\nsummary: 联系电话13812345678，")


def html_in_background(content):
    _replace(content, OTHER if (content / OTHER).exists() else CASE, "\nbackground: ", "\nbackground: <b>注意</b>")


def empty_organisation(content):
    _replace(content, CASE, "organisation: 长宁区信访办公室", 'organisation: ""')


def allow_the_phone(content):
    (content / "allowlist.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/allowlist.schema.json\n"
        "entries:\n  - {text: \"13812345678\", source: test-book-01, reason: 公开的接待电话}\n", encoding="utf-8")


def drop_the_allowlist(content):
    (content / "allowlist.yaml").unlink(missing_ok=True)


def drop_a_theme(content):
    _replace(content, "taxonomy/themes.yaml", "  - id: jiceng-jichu", "  - id: jiceng-jichu-old")


def add_a_case(content):
    source = content / CASE
    if source.exists():
        text = source.read_text(encoding="utf-8").replace("id: shanghai-changning-daili", "id: shanghai-new-case", 1)
        (content / "cases/shanghai/shanghai-new-case.yaml").write_text(text + "\nrelated: [no-such-case]\n",
                                                                        encoding="utf-8")


def delete_the_other_case(content):
    (content / OTHER).unlink(missing_ok=True)


def break_the_yaml(content):
    _replace(content, CASE, "\ntitle: ", "\ntitle: 重复\ntitle: ")


def restore_the_case(content):
    shutil.copyfile(FIXTURE / CASE, content / CASE)


def wrong_schema_line(content):
    _replace(content, CASE, "$schema=../../../../../schemas/case.schema.json", "$schema=case.json")


def damage_the_caches(content):
    for path in content.parent.glob("cache/*"):
        data = bytearray(path.read_bytes())
        if data:
            data[len(data) // 2] ^= 0xFF
            path.write_bytes(bytes(data))


def garbage_caches(content):
    for path in content.parent.glob("cache/*"):
        path.write_bytes(b"not a cache")


EDITS = [phone_in_summary, html_in_background, empty_organisation, allow_the_phone, drop_the_allowlist, drop_a_theme,
         add_a_case, delete_the_other_case, break_the_yaml, restore_the_case, wrong_schema_line, damage_the_caches,
         garbage_caches]


def _same_with_and_without_cache(content: Path, cache: Path) -> list:
    cached = check(content, cache)[1]
    fresh = check(content)[1]
    assert cached == fresh
    return fresh


def test_cold_and_warm_runs_report_what_an_uncached_run_reports(tmp_path):
    content, cache = tmp_path / "content", tmp_path / "cache" / "documents.marshal"
    shutil.copytree(FIXTURE, content)
    _same_with_and_without_cache(content, cache)
    assert set(DocumentCache(cache).sections) == {"documents", "checks"}

    phone_in_summary(content)
    problems = _same_with_and_without_cache(content, cache)
    assert any("13812345678" in p.message for p in problems)

    allow_the_phone(content)  # a shared file: the unchanged case is checked again under the new allow-list
    problems = _same_with_and_without_cache(content, cache)
    assert not any("13812345678" in p.message for p in problems)

    drop_a_theme(content)  # a reference from an unchanged case now points nowhere
    problems = _same_with_and_without_cache(content, cache)
    assert any("jiceng-jichu" in p.message and p.file.endswith("daili.yaml") for p in problems)

    break_the_yaml(content)
    for _ in range(2):  # a file that fails to load is reported on every run, never cached
        problems = _same_with_and_without_cache(content, cache)
        assert any("重复出现" in p.message for p in problems)

    damage_the_caches(content)
    _same_with_and_without_cache(content, cache)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(EDITS), max_size=6))
def test_any_sequence_of_edits_reports_the_same_with_and_without_cache(edits):
    with tempfile.TemporaryDirectory() as folder:
        content, cache = Path(folder) / "content", Path(folder) / "cache" / "documents.marshal"
        shutil.copytree(FIXTURE, content)
        _same_with_and_without_cache(content, cache)
        for edit in edits:
            edit(content)
            _same_with_and_without_cache(content, cache)


def test_validate_with_a_memory_between_rounds_reports_what_a_fresh_validate_reports(tmp_path):
    """What the live preview does on every save."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    documents, memo = DocumentCache(tmp_path / "none" / "documents.marshal"), CheckMemo()
    for edit in [None, phone_in_summary, allow_the_phone, drop_a_theme, html_in_background, restore_the_case]:
        if edit:
            edit(content)
        documents.next_round()
        corpus = read_corpus(content, documents=documents)
        assert validate(corpus, memo) == validate(read_corpus(content))
    assert memo.hits > 0  # unchanged files were not checked again


def test_unchanged_documents_come_from_the_caches_and_keep_their_positions(tmp_path):
    content, cache = tmp_path / "content", tmp_path / "cache" / "documents.marshal"
    shutil.copytree(FIXTURE, content)
    check(content, cache)
    phone_in_summary(content)
    documents = DocumentCache(cache)
    memo = CheckMemo(documents.sections)
    corpus = read_corpus(content, documents=documents)
    validate(corpus, memo)
    files = sum(1 for _ in content.rglob("*.yaml"))
    assert documents.hits == files - 1 and memo.hits == files - 1
    stored = next(d for d in corpus.cases if d.file.endswith(OTHER))
    fresh = next(d for d in read_corpus(content).cases if d.file.endswith(OTHER))
    assert (stored.data, stored.positions, stored.spans) == (fresh.data, fresh.positions, fresh.spans)


def test_a_few_edits_are_saved_beside_the_cache_and_read_back_with_it(tmp_path, monkeypatch):
    from kb.content import doccache

    content, cache = tmp_path / "content", tmp_path / "cache" / "documents.marshal"
    shutil.copytree(FIXTURE, content)
    files = sum(1 for _ in content.rglob("*.yaml"))
    check(content, cache)
    base = cache.stat()
    phone_in_summary(content)
    _same_with_and_without_cache(content, cache)
    assert cache.stat().st_ino == base.st_ino and cache.stat().st_mtime_ns == base.st_mtime_ns  # left as it was
    assert cache.with_name(cache.name + ".recent").is_file()
    documents = DocumentCache(cache)
    read_corpus(content, documents=documents)
    assert documents.hits == files  # the edited file comes from the small file
    (content / OTHER).unlink()
    _same_with_and_without_cache(content, cache)
    assert not any(f.endswith(OTHER) for f in DocumentCache(cache).stored)  # a deleted file drops out

    stale = cache.with_name("stale")
    shutil.copy(cache.with_name(cache.name + ".recent"), stale)
    monkeypatch.setattr(doccache, "RECENT_AT_MOST", 0)  # now every change rewrites the cache whole
    html_in_background(content)
    _same_with_and_without_cache(content, cache)
    assert cache.stat().st_ino != base.st_ino and not cache.with_name(cache.name + ".recent").exists()
    stale.rename(cache.with_name(cache.name + ".recent"))  # amends the replaced cache: must be ignored
    documents = DocumentCache(cache)
    corpus = read_corpus(content, documents=documents)
    assert documents.hits == files - 1
    assert [d.data for d in corpus.cases] == [d.data for d in read_corpus(content).cases]


text_near_personal_data = st.text(alphabet="0123456789 -+()（）@.xX某张王李阿姨大爷号楼栋幢单元室弄微信QqWeChatab信访，", max_size=40)


@given(text_near_personal_data)
def test_searching_only_cued_detectors_finds_what_all_detectors_find(text):
    assert findings(text) == scan(text, DETECTORS)


@given(st.text(alphabet="~nulNULtrueTRUEfalsFALS+-.0123456789eE \nxyz信", max_size=8))
def test_the_quick_path_for_plain_text_reads_scalars_as_the_full_rules_do(value):
    expected = value
    for parse in (_null, _bool, _int, _float):
        ok, parsed = parse(value)
        if ok:
            expected = parsed
            break
    assert plain_value(value) == expected and type(plain_value(value)) is type(expected)


def test_terms_of_address_cue_covers_every_term():
    for term in TERMS_OF_ADDRESS.split("|"):
        assert findings(f"信访人张{term}来访") != []


def test_a_cold_run_parsing_in_parallel_reports_what_one_by_one_does(tmp_path, monkeypatch):
    from kb.content import doccache
    from kb.content.corpus import MAX_FILE_BYTES

    monkeypatch.setattr(doccache, "PARALLEL_FROM", 1)  # the real threshold is for thousands of files
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    add_a_case(content)
    phone_in_summary(content)
    break_the_yaml(content)
    (tmp_path / "outside.yaml").write_text("id: outside\n", encoding="utf-8")
    (content / "cases" / "shanghai" / "linked.yaml").symlink_to(tmp_path / "outside.yaml")
    files = [(path, f"content/{path.relative_to(content).as_posix()}", None) for path in sorted(content.rglob("*.yaml"))]

    documents = DocumentCache(tmp_path / "probe" / "documents.marshal")
    documents.parse_in_parallel(files, MAX_FILE_BYTES)
    loadable = len(files) - 2  # not the broken case, not the link leading out of content/
    assert len(documents.entries) + len(documents.stored) == loadable and documents.stored

    problems = _same_with_and_without_cache(content, tmp_path / "cache" / "documents.marshal")
    assert any("重复出现" in p.message for p in problems) and any("content/ 以外" in p.message for p in problems)

    # each file's own problems were found beside its parse, and validate took them from there
    allow_the_phone(content)
    restore_the_case(content)
    phone_in_summary(content)
    documents = DocumentCache(tmp_path / "probe-2" / "documents.marshal")
    memo = CheckMemo()
    _check_in_parallel(content, documents, memo)
    corpus = read_corpus(content, documents=documents)
    assert validate(corpus, memo) == validate(read_corpus(content))
    assert memo.hits == sum(1 for _ in content.rglob("*.yaml")) - 1  # all but the link leading out of content/
