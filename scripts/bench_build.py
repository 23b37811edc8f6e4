"""Build benchmark: N synthetic cases (kb.content.synthetic), timed stage by stage.

Prints, in one run: a cold `kb build` with each stage's seconds and the peak RSS, MkDocs alone
on the same generated pages (the anchor) and the ratio, `kb validate` cold and warm, a one-case
incremental build, the preview's full round after saving one case, `kb serve` from saving a case
to its page being served, and the site's size (with --validate-only, only `kb validate` cold and
warm, and the copied-run rule alone). Figures only, no assertions:

    .venv/bin/python scripts/bench_build.py --cases 1000
    .venv/bin/python scripts/bench_build.py --cases 10000 --validate-only
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


CPU = {"last": 0.0}


def _child(code: str, *args: str) -> tuple[float, float, str]:
    """Run Python code in a fresh process: (seconds, peak RSS in MB, stdout). The RSS is the
    larger of the process and its biggest child (workers run beside it); the CPU seconds of
    the process and all its children are kept in CPU["last"] (wall time on a shared machine
    depends on the neighbours; CPU time does not)."""
    script = ("import resource, sys, time\nstart = time.perf_counter()\n" + code +
              "\nprint('__SECONDS__', time.perf_counter() - start)"
              "\nprint('__RSS__', max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
              " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True,
                         cwd=PROJECT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = out.stdout.splitlines()
    seconds = float(next(l.split()[1] for l in lines if l.startswith("__SECONDS__")))
    rss = int(next(l.split()[1] for l in lines if l.startswith("__RSS__"))) / 1024
    text = "\n".join(l for l in lines if not l.startswith("__")) + out.stderr
    return seconds, rss, text


BUILD = """
from pathlib import Path
from kb.build.pipeline import Stages
from kb.build.builder import build_site
stages = Stages(quiet=True)
build_site(Path(sys.argv[1]), Path(sys.argv[2]), stages=stages, incremental=sys.argv[3] == "1")
print(stages.summary())
"""

MKDOCS = """
from pathlib import Path
from kb.build.builder import run_mkdocs
run_mkdocs(Path(sys.argv[1]), Path(sys.argv[2]))
"""

VALIDATE = """
from pathlib import Path
from kb.content.lifecycle import publishable
from kb.content.validate import check
corpus, problems = check(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
shown = publishable(corpus, problems, editors=True)  # as kb validate does: drafts with problems wait
print(len(corpus.cases), "cases,", len(problems), "problems,", len(shown.held), "drafts held")
"""

COPIED = """
from pathlib import Path
from kb.content.corpus import read_corpus
from kb.content.rules import PROSE_KINDS, copied_run_problems, source_texts
from kb.content.validate import _documents
content = Path(sys.argv[1])
texts = source_texts(content)
docs = [doc for doc, kind in _documents(read_corpus(content)) if kind in PROSE_KINDS]
start = time.perf_counter()
found = sum(len(copied_run_problems(doc, texts)) for doc in docs)
print(f"{time.perf_counter() - start:.2f} s for {len(docs)} documents against {len(texts.files)} source texts "
      f"({len(texts.grams)} runs of 25), {found} copied runs found")
"""

SYNC = """
from pathlib import Path
from kb.preview.state import PreviewState
from kb.preview.live import sync_docs
content, docs = Path(sys.argv[1]), Path(sys.argv[2])
state = PreviewState()
sync_docs(content, docs, state)  # what `kb serve` does at start
case = next(p for p in sorted((content / "cases").rglob("*.yaml")))
case.write_text(case.read_text(encoding="utf-8").replace("\\ntitle: ", "\\ntitle: 改", 1), encoding="utf-8")
start = time.perf_counter()
changed = sync_docs(content, docs, state)
print(len(changed), "pages rewritten in", round(time.perf_counter() - start, 2), "s after the save")
"""


def serve_latency(content: Path, work: Path) -> tuple[float, float]:
    """`kb serve` as an editor runs it: seconds from saving a case to its page being served with
    the edit, and to the full round's line in the terminal."""
    import os
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = work / "serve.log"
    kb = Path(sys.executable).with_name("kb")
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen([str(kb), "--content", str(content), "--build-dir", str(work / "serve-build"), "serve",
                                    "--address", f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        case = sorted((content / "cases").rglob("*.yaml"))[7]
        url = f"http://127.0.0.1:{port}/cases/{case.stem}.html"

        def page() -> str:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    return r.read().decode("utf-8")
            except OSError:
                return ""
        deadline = time.monotonic() + 3600
        while "kb-preview" not in page() and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(2)  # the preview's memory is filled before MkDocs first serves
        marker = f"改{int(time.time())}"
        original = case.read_text(encoding="utf-8")
        case.write_text(original.replace("\ntitle: ", f"\ntitle: {marker}", 1), encoding="utf-8")
        saved = time.monotonic()
        lines = len(log.read_text(encoding="utf-8").splitlines())
        while marker not in page() and time.monotonic() - saved < 600:
            time.sleep(0.05)
        shown = time.monotonic() - saved
        while not any("已更新：" in line for line in log.read_text(encoding="utf-8").splitlines()[lines:]):
            time.sleep(0.2)
            if time.monotonic() - saved > 1200:
                break
        case.write_text(original, encoding="utf-8")
        return shown, time.monotonic() - saved
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def edit_one_case(content: Path) -> Path:
    case = sorted((content / "cases").rglob("*.yaml"))[len(list((content / "cases").rglob("*.yaml"))) // 2]
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("\ntitle: ", "\ntitle: 改", 1), encoding="utf-8")
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--validate-only", action="store_true", help="only kb validate, cold and warm (and the copied-run rule alone)")
    parser.add_argument("--content", type=Path, default=PROJECT / "content",
                        help="the content whose taxonomies, regions and sources the synthetic cases use")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        run(args.cases, work, args.validate_only, args.content)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(count: int, work: Path, validate_only: bool = False, source: Path = PROJECT / "content") -> None:
    sys.path.insert(0, str(PROJECT / "scripts"))
    from kb.content.corpus import read_corpus
    from kb.content.synthetic import generate

    content = generate(read_corpus(source), work, count)
    build = work / "build"
    shutil.rmtree(build, ignore_errors=True)
    print(f"{count} synthetic cases in {content}")

    cache = work / "validate-cache.pickle"
    cache.unlink(missing_ok=True)
    seconds, rss, text = _child(VALIDATE, str(content), str(cache))
    print(f"kb validate, cold              {seconds:7.1f} s  CPU {CPU['last']:7.1f} s  peak RSS {rss:6.0f} MB   {text.strip()}")
    edit_one_case(content)
    seconds, rss, text = _child(VALIDATE, str(content), str(cache))
    print(f"kb validate, warm (1 edited)   {seconds:7.1f} s  CPU {CPU['last']:7.1f} s  peak RSS {rss:6.0f} MB   {text.strip()}")
    seconds, rss, text = _child(COPIED, str(content))
    print(f"  copied-run rule alone, one core: {text.strip()}")
    if validate_only:
        return

    seconds, rss, text = _child(BUILD, str(content), str(build), "0")
    cold, cold_cpu = seconds, CPU["last"]
    print(f"kb build, cold                 {seconds:7.1f} s  CPU {CPU['last']:7.1f} s  peak RSS {rss:6.0f} MB")
    print(f"  {text.strip()}")

    anchor_site = work / "mkdocs-only"
    seconds, rss, _ = _child(MKDOCS, str(build / "docs"), str(anchor_site))
    print(f"MkDocs alone, same pages       {seconds:7.1f} s  CPU {CPU['last']:7.1f} s  peak RSS {rss:6.0f} MB")
    print(f"ratio build / MkDocs alone     {cold / seconds:7.2f}  (CPU time: {cold_cpu / CPU['last']:.2f})")
    shutil.rmtree(anchor_site, ignore_errors=True)

    seconds, rss, text = _child(BUILD, str(content), str(build), "1")
    print(f"kb build, nothing changed      {seconds:7.1f} s  CPU {CPU['last']:7.1f} s  peak RSS {rss:6.0f} MB   {text.strip()}")

    edited = edit_one_case(content)
    seconds, rss, text = _child(BUILD, str(content), str(build), "1")
    print(f"kb build, one case edited      {seconds:7.1f} s  CPU {CPU['last']:7.1f} s  peak RSS {rss:6.0f} MB   ({edited.name})")
    print(f"  {text.strip()}")

    seconds, rss, text = _child(SYNC, str(content), str(build / "docs"))
    print(f"preview sync, one case saved   {seconds:7.1f} s  CPU {CPU['last']:7.1f} s  peak RSS {rss:6.0f} MB   {text.strip()}")
    shown, rounds = serve_latency(content, work)
    print(f"preview, save to page served   {shown:7.1f} s  (kb serve: saved case's page on screen; "
          f"full round with every affected page: {rounds:.1f} s)")

    site = build / "site"
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"site size                      {size_mb(site):7.1f} MB  ({pages} pages; "
          f"site search {size_mb(site / 'search'):.1f} MB, whoosh index {size_mb(build / 'index'):.1f} MB)")
    from bench_size import report  # the same folder as this script
    print(report(site))


if __name__ == "__main__":
    main()
