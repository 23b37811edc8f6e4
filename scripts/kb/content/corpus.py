"""Reading the content tree: every YAML file of content/ loaded strictly, keyed by kind."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .load import NOT_A_FILE, Document, load_file
from ..core.problems import Problem, ProblemsFound, display_path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CONTENT_DIR = PROJECT_ROOT / "content"
BUILD_DIR = PROJECT_ROOT / "build"


@dataclass
class Corpus:
    root: Path
    cases: list[Document] = field(default_factory=list)
    sources: list[Document] = field(default_factory=list)
    taxonomies: list[Document] = field(default_factory=list)
    courses: list[Document] = field(default_factory=list)
    regions: Document | None = None
    glossary: Document | None = None
    allowlist: Document | None = None
    synonyms: Document | None = None
    load_problems: list[Problem] = field(default_factory=list)
    held: list = field(default_factory=list)  # lifecycle.HeldEntry: cases left off the site, with their problems

    # Convenience views used by the later stages; only meaningful on a valid corpus.
    def case_map(self) -> dict[str, dict]:
        return {d.data["id"]: d.data for d in self.cases if isinstance(d.data, dict) and "id" in d.data}

    def source_map(self) -> dict[str, dict]:
        return {d.data["id"]: d.data for d in self.sources if isinstance(d.data, dict) and "id" in d.data}

    def article_map(self) -> dict[str, tuple[dict, dict]]:
        """Table-of-contents items of compendia: article id -> (article, parent source)."""
        out = {}
        for source in self.source_map().values():
            for article in source.get("contents", []) or []:
                if isinstance(article, dict) and "id" in article:
                    out[article["id"]] = (article, source)
        return out

    def region_map(self) -> dict[str, dict]:
        if not self.regions or not isinstance(self.regions.data, dict):
            return {}
        return {r["id"]: r for r in self.regions.data.get("regions", []) if isinstance(r, dict) and "id" in r}

    def taxonomy(self, kind: str) -> dict[str, dict]:
        for doc in self.taxonomies:
            if isinstance(doc.data, dict) and doc.data.get("kind") == kind:
                return {t["id"]: t for t in doc.data.get("terms", []) if isinstance(t, dict) and "id" in t}
        return {}

    def glossary_terms(self) -> list[dict]:
        if not self.glossary or not isinstance(self.glossary.data, dict):
            return []
        return [t for t in self.glossary.data.get("terms", []) if isinstance(t, dict) and "term" in t]

    def region_path(self, region_id: str) -> list[dict]:
        """The region and its ancestors, top first (province … village); the country is left out."""
        regions, chain, seen = self.region_map(), [], set()
        while region_id in regions and region_id not in seen:
            seen.add(region_id)
            region = regions[region_id]
            if region.get("level") != "country":
                chain.append(region)
            region_id = region.get("parent")
        return list(reversed(chain))


MAX_FILE_BYTES = 256 * 1024
# Where each kind of entry lives; a file anywhere else in content/ is reported, never skipped silently.
LAYOUT = {"cases": "cases/**/*.yaml", "sources": "sources/*.yaml", "taxonomies": "taxonomy/*.yaml",
          "courses": "courses/*.yaml"}
SINGLE_FILES = ("regions", "glossary", "synonyms", "allowlist")


def read_corpus(content_dir: Path = CONTENT_DIR, entries: bool = True, documents=None) -> Corpus:
    """All content files; with entries=False only the small shared files (taxonomies, regions,
    glossary), which is all a command needs to resolve names. `documents` (a DocumentCache)
    supplies files that have not changed since the last run."""
    content_dir = Path(content_dir)
    corpus = Corpus(root=content_dir)
    expected: set[Path] = set()
    load_one = documents.load if documents is not None else load_file
    real_dirs: dict[Path, str] = {}

    def load(path: Path) -> Document | None:
        expected.add(path)
        shown = display_path(path, content_dir.parent)
        problem = _unreadable(path, shown, content_dir, real_dirs)
        if problem:
            corpus.load_problems.append(problem)
            return None
        try:
            return load_one(path, shown)
        except ProblemsFound as found:
            corpus.load_problems.extend(found.problems)
            return None

    for kind, pattern in LAYOUT.items():
        if not entries and kind != "taxonomies":
            continue
        for path in sorted(content_dir.glob(pattern)):
            if (doc := load(path)) is not None:
                getattr(corpus, kind).append(doc)
    for name in SINGLE_FILES:
        path = content_dir / f"{name}.yaml"
        if path.exists() or path.is_symlink():
            setattr(corpus, name, load(path))
    if entries:
        corpus.load_problems.extend(stray_files(content_dir, expected))
    return corpus


def _unreadable(path: Path, shown: str, content_dir: Path, real_dirs: dict[Path, str]) -> Problem | None:
    if not _inside(_real_path(path, real_dirs), _real_path(content_dir, real_dirs)):
        return Problem(shown, 1, 1, "", "这是指向 content/ 以外的链接，不会读取：请把文件本身放进 content/")
    try:
        found = path.stat()
    except OSError:
        return Problem(shown, 1, 1, "", "读不到这个文件（可能是断开的链接，或没有读取权限）")
    if not stat.S_ISREG(found.st_mode):
        return Problem(shown, 1, 1, "", NOT_A_FILE)
    size = found.st_size
    if size > MAX_FILE_BYTES:
        return Problem(shown, 1, 1, "", f"文件太大（{size // 1024} KB），一个内容文件最多 {MAX_FILE_BYTES // 1024} KB："
                                       "请删去粘贴进来的原文，或把内容拆成几个条目")
    return None


def _real_path(path: Path, real_dirs: dict[Path, str]) -> str:
    """Where a path really leads, symlinks followed; each folder is resolved once per run."""
    if path in real_dirs:
        return real_dirs[path]
    if os.path.islink(path):
        return os.path.realpath(path)
    folder = real_dirs.get(path.parent)
    if folder is None:
        folder = real_dirs[path.parent] = os.path.realpath(path.parent)
    return os.path.join(folder, path.name)


def _inside(real: str, real_folder: str) -> bool:
    return real.startswith(real_folder.rstrip(os.sep) + os.sep)


def stray_files(content_dir: Path, expected: set[Path]) -> list[Problem]:
    """Every file in content/ that no stage reads: a wrong extension, a wrong folder, a stray document."""
    problems = []
    texts = content_dir / "sources" / "texts"
    for path in sorted(content_dir.rglob("*")):
        if path in expected or path.is_dir() or (path.parent == texts and path.suffix == ".txt"):
            continue  # the shipped source texts are read by the copying check (rules.source_texts)
        shown = display_path(path, content_dir.parent)
        if path.name.startswith("."):
            problems.append(Problem(shown, 1, 1, "", "隐藏文件不会被读取，可以删除", "warning"))
        elif path.suffix.lower() in (".yml", ".yaml"):
            if path.suffix != ".yaml":
                problems.append(Problem(shown, 1, 1, "", f"扩展名应为 .yaml（现在是 {path.suffix}），否则不会被读取：请改名为 {path.stem}.yaml"))
            else:
                problems.append(Problem(shown, 1, 1, "", "这个位置的文件不会被读取：案例放在 content/cases/<省>/，资料来源放在 "
                                                      "content/sources/，分类表放在 content/taxonomy/，课程放在 content/courses/"))
        elif path.suffix == ".txt" and path.parent.name == "texts":
            problems.append(Problem(shown, 1, 1, "", "资料原文文本放在 content/sources/texts/ 下（文件名为资料编号.txt）"))
        else:
            problems.append(Problem(shown, 1, 1, "", f"content/ 只放 .yaml 内容文件，{path.suffix or '无扩展名的'} 文件不会被读取："
                                                  "请移到 content/ 之外"))
    return problems
