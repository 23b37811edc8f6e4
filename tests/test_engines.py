"""The second engine: Zensical builds the pinned content (conftest) from the same mkdocs.yml."""
from conftest import PINNED_CONTENT
from kb.build.builder import build_site


def test_zensical_builds_the_pinned_content(tmp_path):
    site = build_site(PINNED_CONTENT, tmp_path / "build", engine="zensical")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "信访工作经验库" in home
    case = next((site / "cases").glob("*.html")).read_text(encoding="utf-8")
    assert "资料来源" in case
    assert (site / "regions.html").exists() and (site / "search" / "search.js").exists()
    assert not list((tmp_path / "build").glob(".build-*"))
    # A second build with nothing changed is made whole again, never into the previous site's files.
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    compare = sorted((site / "compare").glob("*.js"))
    assert compare and (site / "downloads" / "cases").is_dir()
    before = {p: p.stat().st_ino for p in (site / "index.html", compare[0])}
    again = build_site(PINNED_CONTENT, tmp_path / "build", engine="zensical")
    assert sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file()) == files
    assert (again / "index.html").stat().st_ino != before[site / "index.html"]
