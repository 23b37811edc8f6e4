"""The map page's tile-grid diagram (kb.site.tilemap): every province once, counts, links, escaping."""
import re
from collections import Counter
from xml.etree import ElementTree

import pytest

from conftest import PINNED_CONTENT
from kb.content.validate import check
from kb.site.render import RegionNode, build_site_model, region_tree
from kb.site.tilemap import PROVINCES, city_tiles, map_page, province_map, province_tiles, shade

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site():
    corpus, _ = check(PINNED_CONTENT)
    return build_site_model(corpus)


def province_counts(site) -> Counter:
    """Cases per province, counted from each case's own region path (not from the region tree)."""
    counts = Counter()
    for case in site.cases:
        province = next((r for r in case.regions if r["level"] == "province"), None)
        if province:
            counts[province["id"]] += 1
    return counts


def test_all_34_provincial_divisions_have_one_tile_each_at_distinct_positions():
    assert len(PROVINCES) == 34
    assert len({p[0] for p in PROVINCES}) == 34 and len({p[1] for p in PROVINCES}) == 34
    assert len({(p[3], p[4]) for p in PROVINCES}) == 34
    names = {p[1] for p in PROVINCES}
    assert {"台湾省", "香港特别行政区", "澳门特别行政区", "海南省"} <= names


def test_tiles_carry_each_provinces_case_count_and_link_only_where_there_are_cases(site):
    page = map_page(region_tree(site))
    counts = province_counts(site)
    linked = {t.region_id: t.count for t in page.tiles if t.region_id}
    assert linked == dict(counts)
    assert all(t.count == 0 for t in page.tiles if not t.region_id)
    assert page.unplaced == []


def test_the_svg_links_every_province_with_cases_to_its_region_page(site):
    page = map_page(region_tree(site))
    root = ElementTree.fromstring(str(page.provinces))
    links = {a.get("href") for a in root.iter(SVG + "a")}
    assert links == {f"regions/{rid}.html" for rid in province_counts(site)}
    assert len(list(root.iter(SVG + "rect"))) == 34


def test_cities_are_drawn_for_provinces_with_several_cases_most_cases_first(site):
    page = map_page(region_tree(site))
    counts = province_counts(site)
    drawn = [node.region["id"] for node, _ in page.cities]
    assert drawn and all(counts[rid] >= 2 for rid in drawn)
    for node, svg in page.cities:
        tiles = city_tiles(node)
        assert [t.count for t in tiles] == sorted((t.count for t in tiles), reverse=True)
        assert sum(t.count for t in tiles) + len(node.cases) == node.total
        root = ElementTree.fromstring(str(svg))
        assert {a.get("href") for a in root.iter(SVG + "a")} == {f"regions/{t.region_id}.html" for t in tiles}


def test_a_province_is_matched_by_name_when_it_has_no_code_and_names_are_escaped():
    node = RegionNode({"id": "x<y", "name": "甘肃省", "level": "province"}, [object(), object()], [])
    tiles = province_tiles([node])
    gansu = next(t for t in tiles if t.full_name == "甘肃省")
    assert (gansu.count, gansu.region_id) == (2, "x<y")
    svg = province_map(tiles)
    assert 'href="regions/x&lt;y.html"' in svg and "x<y" not in svg
    ElementTree.fromstring(svg)  # well-formed


def test_shade_grows_with_the_count_and_is_zero_only_without_cases():
    assert shade(0, 10) == 0
    levels = [shade(n, 20) for n in range(1, 21)]
    assert levels == sorted(levels) and levels[0] >= 1 and levels[-1] == 4


def test_no_text_on_the_map_is_smaller_than_twelve_pixels_in_a_phones_column(site):
    """The grid is scaled to fit a 390 px phone's 358 px content column."""
    page = map_page(region_tree(site))
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', str(page.provinces)).group(1))
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', str(page.provinces))]
    assert min(sizes) * 358 / width >= 12
