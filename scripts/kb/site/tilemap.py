"""The map page (地图): China's provincial-level divisions as a tile-grid diagram in inline SVG.

Each of the 34 provincial-level divisions (including 台湾省, 香港 and 澳门) is one equal square at
a rough grid position, north up and west left. No outline or boundary of any kind is drawn, so the
figure shows no 国界 or 行政区域界线 and needs no 审图号 (a map drawn with boundaries would have to
be approved and carry one). Provinces with several cases get a second diagram of their cities (or,
for the municipalities, their districts), as tiles ordered by count: those are not placed
geographically at all. Drawn at build time: no script, no font, no request; the links are plain
SVG `<a href>` to the region pages, which work from file:// and pass the site's CSP.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from markupsafe import Markup

# (division code prefix, full name, short name, row, column): rows run north → south, columns
# west → east, each position only roughly where the province lies relative to its neighbours.
PROVINCES = (
    ("23", "黑龙江省", "黑龙江", 0, 6),
    ("15", "内蒙古自治区", "内蒙古", 1, 3), ("11", "北京市", "北京", 1, 4), ("22", "吉林省", "吉林", 1, 6),
    ("65", "新疆维吾尔自治区", "新疆", 2, 0), ("64", "宁夏回族自治区", "宁夏", 2, 2), ("14", "山西省", "山西", 2, 3),
    ("13", "河北省", "河北", 2, 4), ("12", "天津市", "天津", 2, 5), ("21", "辽宁省", "辽宁", 2, 6),
    ("63", "青海省", "青海", 3, 0), ("62", "甘肃省", "甘肃", 3, 1), ("61", "陕西省", "陕西", 3, 2),
    ("41", "河南省", "河南", 3, 3), ("37", "山东省", "山东", 3, 4),
    ("54", "西藏自治区", "西藏", 4, 0), ("51", "四川省", "四川", 4, 1), ("50", "重庆市", "重庆", 4, 2),
    ("42", "湖北省", "湖北", 4, 3), ("34", "安徽省", "安徽", 4, 4), ("32", "江苏省", "江苏", 4, 5),
    ("31", "上海市", "上海", 4, 6),
    ("53", "云南省", "云南", 5, 1), ("52", "贵州省", "贵州", 5, 2), ("43", "湖南省", "湖南", 5, 3),
    ("36", "江西省", "江西", 5, 4), ("33", "浙江省", "浙江", 5, 5),
    ("45", "广西壮族自治区", "广西", 6, 2), ("44", "广东省", "广东", 6, 3), ("35", "福建省", "福建", 6, 4),
    ("71", "台湾省", "台湾", 6, 5),
    ("46", "海南省", "海南", 7, 2), ("82", "澳门特别行政区", "澳门", 7, 3), ("81", "香港特别行政区", "香港", 7, 4),
)

TILE = 56            # side of a province tile, in viewBox units
PITCH = 60           # tile plus gap
PAD = 4
NAME_SIZE = 15       # at a phone's 358 px column the grid is scaled to ~0.84: text stays ≥ 12 px
COUNT_SIZE = 15
CITY_COLUMNS = 2
CITY_WIDTH, CITY_HEIGHT, CITY_GAP = 172, 44, 6
CITY_NAME_EM = 9     # longer city names are cut with "…" (the full name is in the tile's title)
SEVERAL = 2          # a province with at least this many cases gets its cities drawn


@dataclass
class Tile:
    name: str         # as shown on the tile
    full_name: str
    count: int
    region_id: str | None   # the region page the tile links to; None when no case is there
    row: int = 0
    column: int = 0


def province_tiles(provinces: list) -> list[Tile]:
    """One tile per provincial-level division; `provinces` are the region tree's province nodes
    (kb.site.render.RegionNode), matched by division code or by name."""
    found = {}
    for node in provinces:
        code, name = str(node.region.get("code", "")), node.region["name"]
        for prefix, full, short, _, _ in PROVINCES:
            if code[:2] == prefix or name in (full, short):
                found[prefix] = node
    tiles = []
    for prefix, full, short, row, column in PROVINCES:
        node = found.get(prefix)
        tiles.append(Tile(short, full, node.total if node else 0, node.region["id"] if node else None, row, column))
    return tiles


def unplaced(provinces: list) -> list:
    """Province nodes no tile stands for (a name the table does not know): listed under the map."""
    tiles = {t.region_id for t in province_tiles(provinces)}
    return [node for node in provinces if node.region["id"] not in tiles]


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _em(text: str) -> float:
    return sum(0.6 if ord(c) < 128 else 1.0 for c in text)


def _fit(text: str, max_em: float) -> str:
    if _em(text) <= max_em:
        return text
    out, used = "", 0.0
    for c in text:
        used += _em(c)
        if used > max_em - 1:
            break
        out += c
    return out + "…"


def shade(count: int, most: int) -> int:
    """Tile colour class 0 (no case) … 4 (the most cases), on a square-root scale."""
    if count <= 0:
        return 0
    return 1 + min(3, int(3 * (count / max(most, 1)) ** 0.5))


def _tile(x: float, y: float, width: float, height: float, tile: Tile, most: int, label: str) -> str:
    level = shade(tile.count, most)
    count = f"{tile.count} 个" if tile.count else "—"
    title = f"{tile.full_name}：{tile.count} 个案例" if tile.count else f"{tile.full_name}：暂无案例"
    body = (f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="4" class="kb-tile kb-tile-{level}"/>'
            f'<text x="{x + width / 2}" y="{y + height / 2 - 3}" text-anchor="middle" font-size="{NAME_SIZE}"'
            f' class="kb-tile-name">{_esc(label)}</text>'
            f'<text x="{x + width / 2}" y="{y + height / 2 + COUNT_SIZE}" text-anchor="middle" font-size="{COUNT_SIZE}"'
            f' class="kb-tile-count">{_esc(count)}</text>')
    if tile.region_id:
        return (f'<a href="regions/{_esc(tile.region_id)}.html" aria-label="{_esc(title)}">'
                f"<title>{_esc(title)}</title>{body}</a>")
    return f'<g aria-label="{_esc(title)}"><title>{_esc(title)}</title>{body}</g>'


def _svg(width: float, height: float, title: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="kb-tilemap" width="100%" viewBox="0 0 {width} {height}"'
            f' role="img" aria-label="{_esc(title)}" font-family="inherit"><title>{_esc(title)}</title>{body}</svg>')


def province_map(tiles: list[Tile]) -> str:
    """The grid of province tiles, one line of SVG (safe inside Markdown)."""
    most = max((t.count for t in tiles), default=0)
    columns = 1 + max(t.column for t in tiles)
    rows = 1 + max(t.row for t in tiles)
    body = "".join(_tile(PAD + t.column * PITCH, PAD + t.row * PITCH, TILE, TILE, t, most, t.name) for t in tiles)
    total = sum(t.count for t in tiles)
    return _svg(2 * PAD + columns * PITCH - (PITCH - TILE), 2 * PAD + rows * PITCH - (PITCH - TILE),
                f"各省级行政区的案例数（方块示意图，共 {total} 个案例）", body)


def city_tiles(province) -> list[Tile]:
    """The province's own level below it (cities, or districts of a municipality) with cases, most first."""
    children = sorted(province.children, key=lambda n: (-n.total, n.region["name"]))
    return [Tile(n.region["name"], n.region["name"], n.total, n.region["id"]) for n in children]


def city_map(province, tiles: list[Tile]) -> str:
    most = max((t.count for t in tiles), default=0)
    parts = []
    for i, tile in enumerate(tiles):
        x = PAD + (i % CITY_COLUMNS) * (CITY_WIDTH + CITY_GAP)
        y = PAD + (i // CITY_COLUMNS) * (CITY_HEIGHT + CITY_GAP)
        parts.append(_city_tile(x, y, tile, most))
    rows = (len(tiles) + CITY_COLUMNS - 1) // CITY_COLUMNS
    width = 2 * PAD + CITY_COLUMNS * CITY_WIDTH + (CITY_COLUMNS - 1) * CITY_GAP
    height = 2 * PAD + rows * CITY_HEIGHT + max(rows - 1, 0) * CITY_GAP
    return _svg(width, height, f"{province.region['name']}各地的案例数", "".join(parts))


def _city_tile(x: float, y: float, tile: Tile, most: int) -> str:
    level = shade(tile.count, most)
    title = f"{tile.full_name}：{tile.count} 个案例"
    return (f'<a href="regions/{_esc(tile.region_id)}.html" aria-label="{_esc(title)}"><title>{_esc(title)}</title>'
            f'<rect x="{x}" y="{y}" width="{CITY_WIDTH}" height="{CITY_HEIGHT}" rx="4" class="kb-tile kb-tile-{level}"/>'
            f'<text x="{x + 10}" y="{y + CITY_HEIGHT / 2 + 5}" font-size="{NAME_SIZE}" class="kb-tile-name">'
            f"{_esc(_fit(tile.name, CITY_NAME_EM))}</text>"
            f'<text x="{x + CITY_WIDTH - 10}" y="{y + CITY_HEIGHT / 2 + 5}" text-anchor="end" font-size="{COUNT_SIZE}"'
            f' class="kb-tile-count">{tile.count} 个</text></a>')


@dataclass
class MapPage:
    provinces: str                     # the province grid (SVG)
    tiles: list[Tile]
    cities: list[tuple[object, str]]   # (province node, its city diagram) for provinces with several cases
    national: object | None            # the country's node when cases are located at the national level
    unplaced: list


def map_page(tree: list) -> MapPage:
    """What map.md.j2 shows, from kb.site.render.region_tree(); the SVG is Markup (every label in it is escaped)."""
    national = next((n for n in tree if n.region["level"] == "country"), None)
    provinces = [n for root in tree for n in (root.children if root.region["level"] == "country" else [root])]
    tiles = province_tiles(provinces)
    cities = [(node, Markup(city_map(node, city_tiles(node)))) for node in provinces
              if node.total >= SEVERAL and node.children]
    cities.sort(key=lambda pair: (-pair[0].total, pair[0].region["name"]))
    return MapPage(Markup(province_map(tiles)), tiles, cities, national if national and national.cases else None, unplaced(provinces))
