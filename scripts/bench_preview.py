#!/usr/bin/env python3
"""Preview benchmark: how long after a save the browser shows a refused save's problems, and how
long after the fix they are gone, for a YAML slip (full-width colon) and a schema slip (a wrong
status value, found only by the full check). Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_preview.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from kb.site.browser import browser

ROOT = Path(__file__).resolve().parents[1]
CASE = "content/cases/shanghai/shanghai-lingdao-baoan.yaml"
TARGET = "target: problems shown ≤ 2 s after the bad save, gone ≤ 2 s after the fix"
SLIPS = {"YAML slip (全角冒号)": ("\norganisation: ", "\norganisation："),
         "schema slip (status: 已发布)": ("\nstatus: published", "\nstatus: 已发布")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-bench-preview-"))
    shutil.copytree(ROOT / "content", work / "content")
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    server = subprocess.Popen([str(Path(sys.executable).with_name("kb")), "serve", "--address", f"127.0.0.1:{port}"],
                              cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/index.html", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        print(f"kb serve ready after {time.monotonic() - started:.1f} s (shipped content)")
        case = work / CASE
        original = case.read_text(encoding="utf-8")
        with browser() as b:
            page = b.new_page()
            page.goto(f"{url}/cases/shanghai-lingdao-baoan.html")
            for label, (old, new) in SLIPS.items():
                shown, gone = [], []
                for _ in range(args.rounds):
                    case.write_text(original.replace(old, new, 1), encoding="utf-8")
                    t = time.monotonic()
                    page.wait_for_selector("#kb-preview-errors", timeout=20000)
                    shown.append(time.monotonic() - t)
                    case.write_text(original, encoding="utf-8")
                    t = time.monotonic()
                    page.wait_for_selector("#kb-preview-errors", state="detached", timeout=20000)
                    gone.append(time.monotonic() - t)
                    time.sleep(1.5)  # let the preview settle (MkDocs rebuilds) before the next round
                print(f"{label}: shown median {statistics.median(shown):.2f} s, max {max(shown):.2f} s; "
                      f"gone median {statistics.median(gone):.2f} s, max {max(gone):.2f} s (n={args.rounds})")
        print(TARGET)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
