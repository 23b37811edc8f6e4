"""Validation: schemas, cross-references and the personal-data guard, all problems collected."""
from __future__ import annotations

import os
import re
from collections import Counter
from functools import lru_cache, partial
from pathlib import Path

from . import markup

from . import privacy
from .corpus import LAYOUT, MAX_FILE_BYTES, SINGLE_FILES, Corpus, read_corpus, CONTENT_DIR
from .checkcache import CheckMemo, context_key
from .doccache import PARALLEL_FROM
from .lifecycle import WAITING
from .hints import EMPTY, drop_format_errors_explained_by_references, drop_references_to_unreadable, with_suggestion
from .load import Document, load_file
from ..core.problems import Problem, ProblemsFound, display_path, printable
from .provenance import page_problems, statement_problems, text_file_problems, texts_by_source, unsupported_numbers
from .rules import PROSE_KINDS, SourceTexts, case_rule_problems, copied_run_problems, link_problems, source_texts
from .schemas import validate_document
from .workingnotes import working_note_problems

READER_FACING = {"case", "source", "taxonomy", "course", "regions", "glossary"}  # shown to readers on the site
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)")

def check(content_dir: Path = CONTENT_DIR, cache_file: Path | None = None) -> tuple[Corpus, list[Problem]]:
    """Load and validate; with cache_file, unchanged files and their own problems are taken from
    the previous run (the problems are the same either way)."""
    from .doccache import DocumentCache

    documents = DocumentCache(cache_file) if cache_file is not None else None
    memo = CheckMemo(documents.sections) if documents is not None else None
    if documents is not None:
        _check_in_parallel(Path(content_dir), documents, memo)
    corpus = read_corpus(content_dir, documents=documents)
    problems = validate(corpus, memo)
    if documents is not None:
        documents.save(**memo.section())
    return corpus, problems


def _check_in_parallel(content_dir: Path, documents, memo: CheckMemo) -> None:
    """On a cold run, parse the content files and run each one's own checks with every core;
    read_corpus and validate then find them in the caches. Kinds and the allow-list are read the
    way read_corpus and validate read them; were they not, results would only miss, never mislead."""
    if len(documents.stored) + len(documents.entries) >= PARALLEL_FROM:
        return  # a warm cache: the few files changed since are parsed one by one, without listing all first
    kinds = {"cases": "case", "sources": "source", "taxonomies": "taxonomy", "courses": "course"}
    files = [(path, kinds[name]) for name, pattern in LAYOUT.items() for path in sorted(content_dir.glob(pattern))]
    files += [(content_dir / f"{name}.yaml", name) for name in SINGLE_FILES if (content_dir / f"{name}.yaml").is_file()]
    try:
        allowlist = load_file(content_dir / "allowlist.yaml", display_path(content_dir / "allowlist.yaml", content_dir.parent))
    except (ProblemsFound, OSError):
        allowlist = None
    allowed = allowed_texts(Corpus(root=content_dir, allowlist=allowlist))
    texts = source_texts(content_dir)
    own = partial(_own_row, allowed=allowed, texts=texts, context=context_key(allowed, texts.digest))
    found = documents.parse_in_parallel([(path, display_path(path, content_dir.parent), kind) for path, kind in files],
                                        MAX_FILE_BYTES, own)
    memo.add(dict(found.values()))


def _own_row(doc: Document, kind: str, allowed: set[str], texts: SourceTexts, context: bytes) -> tuple:
    return CheckMemo.key(doc, kind, context), CheckMemo.row(document_problems(doc, kind, allowed, texts))


def validate(corpus: Corpus, memo: CheckMemo | None = None) -> list[Problem]:
    """Every problem of the corpus. With memo, each document's own checks (schema, personal
    data, markup, empty values) are taken from an earlier run when neither the document nor
    what those checks read has changed; the cross-document checks always run."""
    problems = list(corpus.load_problems)
    problems += _schema_problems(corpus)
    problems += _region_problems(corpus)
    problems += _taxonomy_problems(corpus)
    problems += _source_problems(corpus)
    problems += _case_problems(corpus)
    problems += statement_problems(corpus) + page_problems(corpus)
    problems += _glossary_problems(corpus)
    problems += _synonym_problems(corpus)
    problems += _course_problems(corpus)
    problems += _allowlist_problems(corpus)
    allowed = allowed_texts(corpus)
    texts = source_texts(corpus.root)
    problems += link_problems(corpus) + text_file_problems(corpus) + unsupported_numbers(corpus, texts_by_source(corpus, texts.files))
    own = partial(document_problems, allowed=allowed, texts=texts)
    if memo is not None:
        memo.begin()
        context = context_key(allowed, texts.digest)
    for doc, kind in _documents(corpus):
        problems += memo.problems(doc, kind, context, own) if memo is not None else own(doc, kind)
    problems = drop_references_to_unreadable(problems, corpus.load_problems)
    return sorted(set(drop_format_errors_explained_by_references(problems)))


def document_problems(doc: Document, kind: str, allowed: set[str] = frozenset(),
                      texts: SourceTexts | None = None) -> list[Problem]:
    """What one document gets wrong on its own: its schema, and in every string personal data
    (except in the allow-list, which quotes what it allows), live markup and empty values; in a
    case, periods without a year and placeholders; in prose, runs copied from the shipped `texts`."""
    problems = validate_document(doc, kind) + string_problems(doc, allowed, personal=kind != "allowlist")
    if kind == "case":
        problems += case_rule_problems(doc)
    if kind in READER_FACING:
        problems += working_note_problems(doc, kind)
    if texts is not None and kind in PROSE_KINDS:
        problems += copied_run_problems(doc, texts)
    return problems


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _documents(corpus: Corpus):
    for doc in corpus.cases:
        yield doc, "case"
    for doc in corpus.sources:
        yield doc, "source"
    for doc in corpus.taxonomies:
        yield doc, "taxonomy"
    for doc in corpus.courses:
        yield doc, "course"
    if corpus.regions:
        yield corpus.regions, "regions"
    if corpus.glossary:
        yield corpus.glossary, "glossary"
    if corpus.allowlist:
        yield corpus.allowlist, "allowlist"
    if corpus.synonyms:
        yield corpus.synonyms, "synonyms"


def _schema_problems(corpus: Corpus) -> list[Problem]:
    problems = []
    required = {"content/regions.yaml": corpus.regions, "content/glossary.yaml": corpus.glossary}
    for name, doc in required.items():
        if doc is None and not any(p.file == name for p in corpus.load_problems):
            problems.append(Problem(name, 1, 1, "", "缺少这个文件"))
    for doc, schema_name in _documents(corpus):
        problems += _schema_line_problems(doc, schema_name, corpus.root)
    return problems


def _schema_line_problems(doc: Document, schema_name: str, content_dir: Path) -> list[Problem]:
    """The first line links the file to its schema, for the editor; it may point at the project's
    schemas/ beside content/ or at any existing copy of the same schema file."""
    path = content_dir.parent / doc.file
    if doc.text:
        first = doc.text.split("\n", 1)[0]
    else:  # a document made by code: the file on disk, if any
        first = path.read_text(encoding="utf-8-sig").split("\n", 1)[0] if path.exists() else ""
    match = SCHEMA_LINE.match(first)
    file_name = f"{schema_name}.schema.json"
    expected = _schema_link(str(content_dir.parent / "schemas" / file_name), str(path.parent))
    if match and (match.group(1) == expected or
                  (Path(match.group(1)).name == file_name and (path.parent / match.group(1)).is_file())):
        return []
    return [Problem(doc.file, 1, 1, "", f"第一行应为 # yaml-language-server: $schema={expected}（编辑器靠它自动补全和检查）", "warning")]


@lru_cache(maxsize=4096)
def _schema_link(schema_file: str, folder: str) -> str:
    return Path(os.path.relpath(schema_file, folder)).as_posix()


def _duplicates(doc: Document, items: list, key: str, path_prefix: tuple, label: str) -> list[Problem]:
    counts = Counter(item.get(key) for item in items if isinstance(item, dict))
    problems, seen = [], set()
    for i, item in enumerate(items):
        value = item.get(key) if isinstance(item, dict) else None
        if value is not None and counts[value] > 1:
            if value in seen:
                problems.append(doc.problem(path_prefix + (i, key), f"{label}“{value}”重复"))
            seen.add(value)
    return problems


def _region_problems(corpus: Corpus) -> list[Problem]:
    doc = corpus.regions
    if not doc or not isinstance(doc.data, dict) or not isinstance(doc.data.get("regions"), list):
        return []
    items = doc.data["regions"]
    problems = _duplicates(doc, items, "id", ("regions",), "地区编号")
    seen = set()
    for i, region in enumerate(items):
        if not isinstance(region, dict):
            continue
        parent = region.get("parent")
        if parent is not None and parent not in seen:
            problems.append(doc.problem(("regions", i, "parent"), f"上级地区“{parent}”不存在，或写在了本地区之后"))
        if parent is None and region.get("level") not in ("country", "province"):
            problems.append(doc.problem(("regions", i), "除全国和省级地区外，都要填上级地区（parent）"))
        seen.add(region.get("id"))
    return problems


def _taxonomy_problems(corpus: Corpus) -> list[Problem]:
    problems = []
    kinds = Counter()
    for doc in corpus.taxonomies:
        if not isinstance(doc.data, dict):
            continue
        kinds[doc.data.get("kind")] += 1
        terms = doc.data.get("terms") if isinstance(doc.data.get("terms"), list) else []
        problems += _duplicates(doc, terms, "id", ("terms",), "编号")
        problems += _duplicates(doc, terms, "name", ("terms",), "名称")
    for kind, label in (("practice_type", "做法类型"), ("theme", "主题")):
        if kinds[kind] == 0:
            problems.append(Problem("content/taxonomy", 1, 1, "", f"缺少{label}分类表（kind: {kind}）"))
        elif kinds[kind] > 1:
            problems.append(Problem("content/taxonomy", 1, 1, "", f"{label}分类表只能有一个"))
    return problems


def _source_problems(corpus: Corpus) -> list[Problem]:
    problems = []
    first_file: dict[str, str] = {}
    for doc in corpus.sources:
        data = doc.data if isinstance(doc.data, dict) else {}
        source_id = data.get("id")
        if isinstance(source_id, str) and Path(doc.file).stem != source_id:
            problems.append(doc.problem(("id",), f"编号“{source_id}”与文件名“{Path(doc.file).name}”不一致"))
        contents = data.get("contents") if isinstance(data.get("contents"), list) else []
        for i, article in enumerate(contents):
            article_id = article.get("id") if isinstance(article, dict) else None
            if not isinstance(article_id, str):
                continue
            if isinstance(source_id, str) and not article_id.startswith(source_id + "-"):
                problems.append(doc.problem(("contents", i, "id"), f"篇目编号应以所属资料编号“{source_id}-”开头"))
        for path, ident in [(("id",), source_id)] + [(("contents", i, "id"), a.get("id")) for i, a in enumerate(contents) if isinstance(a, dict)]:
            if not isinstance(ident, str):
                continue
            if ident in first_file:
                problems.append(doc.problem(path, f"资料编号“{ident}”重复（已在 {first_file[ident]} 中使用）"))
            else:
                first_file[ident] = doc.file
    return problems


def _case_problems(corpus: Corpus) -> list[Problem]:
    problems = []
    regions = corpus.region_map()
    types, themes = corpus.taxonomy("practice_type"), corpus.taxonomy("theme")
    citable = set(corpus.source_map()) | set(corpus.article_map())
    cases = [d for d in corpus.cases if isinstance(d.data, dict)]
    ids = Counter(d.data.get("id") for d in cases)
    known_ids = set(ids)
    owners = _id_owners(cases)
    parents = {d.data["id"]: d.data.get("part_of") for d in cases if isinstance(d.data.get("id"), str)}
    waiting = {d.data["id"] for d in cases if _waiting(d) and isinstance(d.data.get("id"), str)}

    for doc in cases:
        data = doc.data
        case_id = data.get("id")
        if isinstance(case_id, str):
            if ids[case_id] > 1 and owners[case_id] != doc.file:
                problems.append(doc.problem(("id",), f"案例编号“{case_id}”重复（已在 {owners[case_id]} 中使用）"))
            if Path(doc.file).stem != case_id:
                problems.append(doc.problem(("id",), f"编号“{case_id}”与文件名“{Path(doc.file).name}”不一致：文件应命名为 {case_id}.yaml"))
        locality = data.get("locality") if isinstance(data.get("locality"), dict) else {}
        region_id = locality.get("region")
        if isinstance(region_id, str):
            if region_id not in regions:
                problems.append(doc.problem(("locality", "region"), with_suggestion(
                    f"地区“{region_id}”不在地区名录 content/regions.yaml 中（新地区用 kb new region 名称 添加）", region_id, regions)))
            else:
                folder = province_folder(corpus, region_id)
                if Path(doc.file).parent.name != folder:
                    problems.append(doc.problem(("locality", "region"),
                                                f"文件应放在 content/cases/{folder}/ 目录下（与所在省级地区一致）"))
        problems += _reference_problems(doc, "practice_types", types, "做法类型", "content/taxonomy/practice-types.yaml")
        problems += _reference_problems(doc, "themes", themes, "主题", "content/taxonomy/themes.yaml")
        for i, citation in enumerate(data.get("sources") or []):
            ref = citation.get("source") if isinstance(citation, dict) else None
            if isinstance(ref, str) and ref not in citable:
                problems.append(doc.problem(("sources", i, "source"), with_suggestion(
                    f"资料“{ref}”不在 content/sources 中", ref, _titled(corpus), "title")))
        for i, ref in enumerate(data.get("related") or []):
            if isinstance(ref, str) and ref not in known_ids:
                problems.append(doc.problem(("related", i), with_suggestion(f"相关案例“{ref}”不存在", ref, corpus.case_map(), "title")))
            elif ref == case_id:
                problems.append(doc.problem(("related", i), "相关案例不能是本案例自己"))
        part_of = data.get("part_of")
        if isinstance(part_of, str):
            if part_of not in known_ids:
                problems.append(doc.problem(("part_of",), with_suggestion(f"所属项目“{part_of}”不存在", part_of, corpus.case_map(), "title")))
            elif _cycle_blames(doc, _cycle(case_id, parents), waiting):
                problems.append(doc.problem(("part_of",), "所属项目形成了循环（A 属于 B，B 又属于 A）"))
        period = data.get("period") if isinstance(data.get("period"), dict) else {}
        start, end, reported = period.get("start_year"), period.get("end_year"), period.get("reported_year")
        if all(isinstance(y, int) for y in (start, reported)) and start > reported:
            problems.append(doc.problem(("period", "start_year"), "开始年份不能晚于报道年份"))
        if all(isinstance(y, int) for y in (start, end)) and end < start:
            problems.append(doc.problem(("period", "end_year"), "结束年份不能早于开始年份"))
    return problems


def _titled(corpus: Corpus) -> dict[str, dict]:
    """Sources and compendium articles by id, each with its title (for "did you mean")."""
    return {**corpus.source_map(), **{ident: article for ident, (article, _) in corpus.article_map().items()}}


def _reference_problems(doc: Document, key: str, known: dict, label: str, where: str) -> list[Problem]:
    values = doc.data.get(key) if isinstance(doc.data.get(key), list) else []
    return [doc.problem((key, i), with_suggestion(f"{label}“{value}”不在 {where} 中", value, known))
            for i, value in enumerate(values) if isinstance(value, str) and value not in known]


def _waiting(doc: Document) -> bool:
    return doc.data.get("status") in WAITING


def _id_owners(cases: list[Document]) -> dict[str, str]:
    """The file that keeps each case id when several use it: the first published one, else the first
    file. The others (a draft or review entry copying a published id is the newcomer) are told."""
    owners: dict[str, str] = {}
    for doc in sorted(cases, key=_waiting):  # a stable sort: published entries first, each kind in file order
        if isinstance(doc.data.get("id"), str):
            owners.setdefault(doc.data["id"], doc.file)
    return owners


def _cycle(start: str, parents: dict) -> set[str]:
    """The cases of the part_of cycle `start` is in, or nothing (also when it only leads into one)."""
    walked, node = set(), start
    while isinstance(node, str) and node in parents and node not in walked:
        walked.add(node)
        node = parents[node]
    return walked if node == start else set()


def _cycle_blames(doc: Document, cycle: set[str], waiting: set[str]) -> bool:
    """Whether a part_of cycle is reported on this case: on every case of it, except that a cycle
    through a draft or review entry is that entry's problem (held off the site, its link goes too)."""
    return bool(cycle) and (_waiting(doc) or not cycle & waiting)


def province_folder(corpus: Corpus, region_id: str) -> str:
    chain = corpus.region_path(region_id)
    return chain[0]["id"] if chain else "china"


def _glossary_problems(corpus: Corpus) -> list[Problem]:
    doc = corpus.glossary
    if not doc or not isinstance(doc.data, dict) or not isinstance(doc.data.get("terms"), list):
        return []
    terms = doc.data["terms"]
    problems = _duplicates(doc, terms, "term", ("terms",), "术语")
    known = {t.get("term") for t in terms if isinstance(t, dict)}
    for i, term in enumerate(terms):
        for j, other in enumerate((term.get("see_also") or []) if isinstance(term, dict) else []):
            if isinstance(other, str) and other not in known:
                problems.append(doc.problem(("terms", i, "see_also", j), f"参见的术语“{other}”不在术语表中"))
    return problems


def _synonym_problems(corpus: Corpus) -> list[Problem]:
    """A word belongs to one synonym group only; say where it first appeared."""
    doc = corpus.synonyms
    if not doc or not isinstance(doc.data, dict) or not isinstance(doc.data.get("groups"), list):
        return []
    problems, first = [], {}
    for i, group in enumerate(doc.data["groups"]):
        for j, word in enumerate((group.get("terms") or []) if isinstance(group, dict) else []):
            if isinstance(word, str) and word in first and first[word] != i:
                problems.append(doc.problem(("groups", i, "terms", j), f"“{word}”已在第 {first[word] + 1} 组出现，一个说法只能属于一组"))
            first.setdefault(word, i)
    return problems


def _course_problems(corpus: Corpus) -> list[Problem]:
    problems = []
    cases = set(corpus.case_map())
    terms = {t["term"] for t in corpus.glossary_terms()}
    citable = set(corpus.source_map()) | set(corpus.article_map())
    references = {"case": (cases, "案例"), "term": (terms, "术语"), "source": (citable, "资料")}
    seen_courses: dict[str, str] = {}
    for doc in corpus.courses:
        data = doc.data if isinstance(doc.data, dict) else {}
        course_id = data.get("id")
        if isinstance(course_id, str):
            if Path(doc.file).stem != course_id:
                problems.append(doc.problem(("id",), f"编号“{course_id}”与文件名“{Path(doc.file).name}”不一致"))
            if course_id in seen_courses:
                problems.append(doc.problem(("id",), f"课程编号“{course_id}”重复（已在 {seen_courses[course_id]} 中使用）"))
            seen_courses.setdefault(course_id, doc.file)
        ids: dict[str, tuple] = {}
        for path, item in _course_items(data):
            ident = item.get("id")
            if isinstance(ident, str):
                if ident in ids:
                    problems.append(doc.problem(path + ("id",), f"编号“{ident}”在本课程中重复"))
                ids.setdefault(ident, path)
            if "readings" in item:
                for i, reading in enumerate(item["readings"] if isinstance(item["readings"], list) else []):
                    for key, (known, label) in references.items():
                        value = reading.get(key) if isinstance(reading, dict) else None
                        if isinstance(value, str) and value not in known:
                            problems.append(doc.problem(path + ("readings", i, key), f"{label}“{value}”不存在"))
            if "options" in item:
                problems += _quiz_problems(doc, path, item, cases)
    return problems


def _course_items(data: dict):
    """Every module, lesson and quiz item of a course, with its path."""
    for m, module in enumerate(data.get("modules") or []):
        if not isinstance(module, dict):
            continue
        yield ("modules", m), module
        for l, lesson in enumerate(module.get("lessons") or []):
            if not isinstance(lesson, dict):
                continue
            yield ("modules", m, "lessons", l), lesson
            for q, quiz in enumerate(lesson.get("quiz") or []):
                if isinstance(quiz, dict):
                    yield ("modules", m, "lessons", l, "quiz", q), quiz


def _quiz_problems(doc: Document, path: tuple, quiz: dict, cases: set) -> list[Problem]:
    problems = []
    options = quiz["options"] if isinstance(quiz["options"], list) else []
    correct = sum(1 for o in options if isinstance(o, dict) and o.get("correct") is True)
    if quiz.get("kind") == "single" and correct != 1:
        problems.append(doc.problem(path + ("options",), f"单选题必须恰好有一个正确答案，现在有 {correct} 个"))
    if quiz.get("kind") == "multiple" and correct < 1:
        problems.append(doc.problem(path + ("options",), "多选题至少要有一个正确答案"))
    for i, case in enumerate(quiz.get("cites") or []):
        if isinstance(case, str) and case not in cases:
            problems.append(doc.problem(path + ("cites", i), f"案例“{case}”不存在"))
    return problems


def allowed_texts(corpus: Corpus) -> set[str]:
    if not corpus.allowlist or not isinstance(corpus.allowlist.data, dict):
        return set()
    return {e["text"] for e in corpus.allowlist.data.get("entries") or [] if isinstance(e, dict) and isinstance(e.get("text"), str)}


def _allowlist_problems(corpus: Corpus) -> list[Problem]:
    doc = corpus.allowlist
    if not doc or not isinstance(doc.data, dict):
        return []
    citable = set(corpus.source_map()) | set(corpus.article_map())
    return [doc.problem(("entries", i, "source"), f"资料“{entry['source']}”不在 content/sources 中：例外必须有公开出处")
            for i, entry in enumerate(doc.data.get("entries") or [])
            if isinstance(entry, dict) and isinstance(entry.get("source"), str) and entry["source"] not in citable]


def string_problems(doc: Document, allowed: set[str] = frozenset(), personal: bool = True) -> list[Problem]:
    """One walk over every string of the file: empty values, live markup (raw HTML, javascript:
    and similar links) and, if `personal`, suspected personal data, each at its own line and column."""
    problems = []
    numbers: list[tuple[tuple, str]] = []
    strings = _strings(doc.data, (), [], numbers)
    # Cues looked for once in all the file's strings together: most files have none of them.
    everything = "\n".join(text for _, text in strings)
    as_written = personal and privacy.is_plain(everything)
    detectors = privacy.cued(everything, already_read=as_written) if personal else []
    maybe_markup = "<" in everything or "]" in everything
    for path, text in strings:
        if not text.strip():
            problems.append(doc.problem(path, EMPTY))
        if detectors:
            problems += _personal_data(doc, path, text, allowed, detectors, as_written)
        if maybe_markup:
            problems += [doc.problem_at(path, finding.text, finding.message) for finding in markup.findings(text)]
    if personal:  # a phone or card number written as a bare number is read as one
        for path, number in numbers:
            problems += _personal_data(doc, path, number, allowed, privacy.DETECTORS)
    return problems


GUARD = "不得公开信访人的个人信息，请删除或改写（公开资料点名的公职人员等可登记到 content/allowlist.yaml）"


def _personal_data(doc: Document, path: tuple, text: str, allowed, detectors, as_written=False) -> list[Problem]:
    problems = []
    for finding in privacy.findings(text, detectors, as_written):
        if finding.text.strip() in allowed or finding.reading.strip() in allowed:
            continue
        problems.append(doc.problem_at(path, finding.text, f"疑似{finding.label}：{quoted(finding)}。{GUARD}",
                                       occurrence=text[:finding.offset].count(finding.text)))
    return problems


def quoted(finding) -> str:
    """The finding as written, invisible characters shown as escapes, and what it reads as when that differs."""
    written = printable(finding.text, invisible=True)
    reading = printable(finding.reading)
    return f"“{written}”" + (f"（读作“{reading}”）" if finding.reading != finding.text else "")


def personal_data_problems(doc: Document, allowed: set[str] = frozenset()) -> list[Problem]:
    """Only the suspected personal data of a document (for imports, before anything is written)."""
    return [p for p in string_problems(doc, allowed) if p.message.endswith(GUARD)]


def _strings(value, path: tuple, out: list, numbers: list | None = None) -> list[tuple[tuple, str]]:
    """(path, text) of every string inside value, in document order; with `numbers`, the (path,
    digits) of every integer of seven digits or more go there (none is a count or a year)."""
    if isinstance(value, str):
        out.append((path, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(item, path + (key,), out, numbers)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _strings(item, path + (i,), out, numbers)
    elif numbers is not None and isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1_000_000:
        numbers.append((path, str(abs(value))))
    return out
