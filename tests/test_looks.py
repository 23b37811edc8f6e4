"""How the site looks in headless Chromium: screenshots at desktop and phone width, no missing
glyphs, no page wider than a phone, and a clean print of a case page."""
import re
import subprocess

import pytest

from kb.site.browser import chromium_path

pytestmark = pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")

PAGES = {"home": "index.html", "case": "cases/shanghai-changning-tiaojie-daili.html",
         "type": "types/xinfang-daili.html", "stats": "stats.html"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


@pytest.fixture(scope="module")
def installed_glyphs() -> set[int]:
    """Every code point some installed font can draw (fontconfig's charsets, united)."""
    out = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, check=True).stdout
    covered = set()
    for start, end in re.findall(r"([0-9a-f]+)(?:-([0-9a-f]+))?", out):
        covered.update(range(int(start, 16), int(end or start, 16) + 1))
    return covered


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_page_renders_with_every_glyph_and_fits_the_width(site, chromium, installed_glyphs, tmp_path, name, viewport):
    page = chromium.new_page(viewport=VIEWPORTS[viewport])
    page.goto((site / PAGES[name]).as_uri())
    shot = tmp_path / f"{name}-{viewport}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    text = page.evaluate("document.body.innerText")
    missing = {ch for ch in text if ord(ch) > 0x7f and not ch.isspace() and ord(ch) not in installed_glyphs}
    assert missing == set()
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_case_page_prints_without_navigation_or_buttons(site, chromium):
    page = chromium.new_page()
    page.goto((site / PAGES["case"]).as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate("""[".md-header", ".md-sidebar--primary", ".kb-copy", ".md-footer"].map(
        s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === "none"))""")
    assert hidden == [True, True, True, True]
    assert page.pdf(format="A4")[:4] == b"%PDF"
