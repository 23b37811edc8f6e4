"""What the preview (`kb serve`) tells the editor: its address, one line per rebuild, and, in the
browser, an overlay listing every problem of a refused save, gone as soon as the file is fixed.

The overlay script polls a status file written into the directory MkDocs serves from (learnt
through a MkDocs hook, preview_hook.py); the file is not part of build/docs, so writing it
triggers no rebuild, and `kb build` never ships it."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import yaml

from .problems import Problem

OVERLAY_SCRIPT = Path(__file__).parent / "preview_overlay.js"
HOOK_FILE = Path(__file__).parent / "preview_hook.py"
SCRIPT_IN_DOCS = "assets/kb-preview.js"
STATUS_NAME = "kb-preview-status.json"

_lock = threading.Lock()
_state: dict = {"site_dir": None, "problems": []}


def mkdocs_options(config_file: Path, docs_dir: Path) -> dict:
    """Overrides for `mkdocs serve` only: the overlay script on every page and the hook."""
    OVERLAY_SCRIPT_TARGET = docs_dir / SCRIPT_IN_DOCS
    OVERLAY_SCRIPT_TARGET.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(OVERLAY_SCRIPT, OVERLAY_SCRIPT_TARGET)
    config = yaml.safe_load(Path(config_file).read_text(encoding="utf-8")) or {}
    scripts = list(config.get("extra_javascript") or []) + [SCRIPT_IN_DOCS]
    hooks = [str(Path(config_file).parent / h) for h in config.get("hooks") or []] + [str(HOOK_FILE)]
    return {"extra_javascript": scripts, "hooks": hooks}


def site_dir_known(site_dir: str) -> None:
    """Called by the hook after each MkDocs build (which empties the served folder)."""
    with _lock:
        _state["site_dir"] = site_dir
        _write()


def show_problems(problems: list[Problem]) -> None:
    with _lock:
        _state["problems"] = [p for p in problems if p.severity == "error"]
        _write()


def clear_problems() -> None:
    show_problems([])


def status(problems: list[Problem]) -> dict:
    return {"problems": [{"file": p.file, "line": p.line, "column": p.column, "field": p.field,
                          "message": p.message, "text": p.format()} for p in problems],
            "time": time.time()}


def _write() -> None:
    site_dir = _state["site_dir"]
    if not site_dir or not os.path.isdir(site_dir):
        return
    fd, partial = tempfile.mkstemp(dir=site_dir, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(status(_state["problems"]), f, ensure_ascii=False)
    os.replace(partial, os.path.join(site_dir, STATUS_NAME))


# --- the terminal ---------------------------------------------------------------------------------

def address_line(address: str) -> str:
    return f"预览地址：http://{address}/  （保存 content/ 中的文件后自动更新；按 Ctrl+C 停止）"


def rebuilt_line(changed: list[str], seconds: float) -> str:
    stamp = time.strftime("%H:%M:%S")
    if not changed:
        return f"{stamp} 已检查：内容无误，没有页面需要更新（{seconds:.1f} 秒）"
    return f"{stamp} 已更新：{len(changed)} 个页面（{seconds:.1f} 秒）"


def refused_line(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    return (f"{time.strftime('%H:%M:%S')} 保存的内容有 {errors} 个错误，网站未更新；"
            "浏览器中会列出这些错误，改好保存后自动恢复。")
