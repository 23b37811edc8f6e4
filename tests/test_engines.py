"""The second engine: Zensical builds the shipped content from the same mkdocs.yml."""
from pathlib import Path

from kb.site import build_site

SHIPPED = Path(__file__).resolve().parents[1] / "content"


def test_zensical_builds_the_shipped_content(tmp_path):
    site = build_site(SHIPPED, tmp_path / "build", engine="zensical")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "信访工作经验库" in home
    case = next((site / "cases").glob("*.html")).read_text(encoding="utf-8")
    assert "资料来源" in case
    assert (site / "regions.html").exists() and (site / "search" / "search.js").exists()
    assert not list((tmp_path / "build").glob(".build-*"))
