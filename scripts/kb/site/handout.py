"""Printable course handouts: a standalone HTML page per course and version, printed to PDF by
headless Chromium, which embeds the (Noto CJK) fonts it used."""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .browser import CHROMIUM_FLAGS, chromium_path
from ..content.corpus import Corpus
from .render import DRAFT_MARK, citation_function, course_lessons, plain_prose


def render_handout(corpus: Corpus, course: dict, trainer: bool) -> str:
    # 《title》, and ［草稿］ after a draft's, as every listing of the site marks it
    titles = {case_id: f"《{case['title']}》" + (DRAFT_MARK if case.get("status") == "draft" else "")
              for case_id, case in corpus.case_map().items()}
    pattern = re.compile("|".join(sorted(map(re.escape, titles), key=len, reverse=True))) if titles else None

    def plain(text: str) -> str:
        text = plain_prose(text)
        return pattern.sub(lambda m: titles[m.group(0)], text) if pattern else text

    env = Environment(loader=PackageLoader("kb.site", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["plain"] = plain
    return env.get_template("handout.html.j2").render(
        course=course, lessons=course_lessons(course), trainer=trainer, titles=titles, citation=citation_function(corpus),
        terms={t["term"]: t for t in corpus.glossary_terms()})


def print_pdf(html: str, pdf: Path) -> None:
    browser = chromium_path()
    if not browser:
        raise RuntimeError("需要 Chromium 才能生成 PDF（Debian：apt-get install chromium fonts-noto-cjk）")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "handout.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run([browser, "--headless", *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
                        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium 没有生成 {pdf}")


def handout_paths(out_dir: Path, course_id: str) -> dict[bool, Path]:
    return {False: out_dir / f"{course_id}-trainee.pdf", True: out_dir / f"{course_id}-trainer.pdf"}


def make_handouts(corpus: Corpus, out_dir: Path, course_ids: list[str] | None = None) -> list[Path]:
    written = []
    for doc in corpus.courses:
        course = doc.data
        if course_ids and course["id"] not in course_ids:
            continue
        for trainer, path in handout_paths(out_dir, course["id"]).items():
            print_pdf(render_handout(corpus, course, trainer), path)
            written.append(path)
    return written
