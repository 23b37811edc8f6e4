"""Shared fixtures: a throw-away copy of the shipped content that a test may break."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CONTENT = PROJECT_ROOT / "content"

try:  # the package is normally installed editable; fall back to the source tree
    import kb  # noqa: F401
except ImportError:  # pragma: no cover - only without the editable install
    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    import kb  # noqa: F401

try:  # no example database inside the project tree; keep property tests quick and deterministic in time
    from hypothesis import settings

    settings.register_profile("kb", database=None, deadline=None, max_examples=150)
    settings.load_profile("kb")
except ImportError:  # pragma: no cover
    pass


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the shipped content/ at tmp_path/"content"; problems then name "content/…" files."""
    target = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, target)
    return target


def write_file(content_dir: Path, relative: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    """Write `text` (or raw bytes) to content_dir/relative, creating folders; returns the path."""
    path = Path(content_dir) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The shipped content built once for the whole run (strict MkDocs); returns build/site."""
    from kb.build.builder import build_site

    return build_site(SHIPPED_CONTENT, tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium through Playwright, shared by the browser tests."""
    from kb.site.browser import browser

    with browser() as b:
        yield b
