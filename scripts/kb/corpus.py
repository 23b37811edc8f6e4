"""Reading the content tree: every YAML file of content/ loaded strictly, keyed by kind."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .load import Document, load_file
from .problems import Problem, ProblemsFound, display_path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
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
    load_problems: list[Problem] = field(default_factory=list)

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


def read_corpus(content_dir: Path = CONTENT_DIR, entries: bool = True, documents=None) -> Corpus:
    """All content files; with entries=False only the small shared files (taxonomies, regions,
    glossary), which is all a command needs to resolve names. `documents` (a DocumentCache)
    supplies files that have not changed since the last run."""
    content_dir = Path(content_dir)
    corpus = Corpus(root=content_dir)
    load_one = documents.load if documents is not None else load_file

    def load(path: Path) -> Document | None:
        try:
            return load_one(path, display_path(path, content_dir.parent))
        except ProblemsFound as found:
            corpus.load_problems.extend(found.problems)
            return None

    for path in sorted((content_dir / "cases").rglob("*.yaml")) if entries else []:
        if (doc := load(path)) is not None:
            corpus.cases.append(doc)
    for path in sorted((content_dir / "sources").glob("*.yaml")) if entries else []:
        if (doc := load(path)) is not None:
            corpus.sources.append(doc)
    for path in sorted((content_dir / "taxonomy").glob("*.yaml")):
        if (doc := load(path)) is not None:
            corpus.taxonomies.append(doc)
    for path in sorted((content_dir / "courses").glob("*.yaml")) if entries else []:
        if (doc := load(path)) is not None:
            corpus.courses.append(doc)
    for name in ("regions", "glossary"):
        path = content_dir / f"{name}.yaml"
        if path.exists():
            setattr(corpus, name, load(path))
    return corpus
