"""Build-time SVG charts: well-formed, accessible, proportional, escaped, deterministic."""
import re
import xml.etree.ElementTree as ET

import pytest

from kb.site.charts import bar_chart, stacked_bar_chart

NS = "{http://www.w3.org/2000/svg}"
SERIES = [("letter", "来信"), ("visit", "来访"), ("online", "网上")]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{NS}rect") if "kb-bar" in r.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def desc(root: ET.Element) -> str:
    return root.find(f"{NS}desc").text


def rows(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if g.get("class") == "kb-row"]


def test_root_is_an_embeddable_accessible_svg():
    root = parse(bar_chart([("来信", 3)], title="渠道"))
    assert root.tag == f"{NS}svg"
    assert root.get("class") == "kb-chart"
    assert root.get("width") == "100%"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))
    title = root.find(f"{NS}title")
    assert title.text == "渠道" and root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == root.find(f"{NS}desc").get("id")


def test_chart_needs_nothing_from_outside():
    svg = bar_chart([("来信", 3)], title="渠道") + stacked_bar_chart(
        [("东区", {"letter": 1})], series=SERIES, title="渠道")
    assert not re.search(r"href|url\(|@import|<script|@font-face|http(?!://www\.w3\.org/2000/svg)", svg)


def test_text_is_drawn_in_current_colour_with_the_page_font():
    root = parse(stacked_bar_chart([("东区", {"letter": 1})], series=SERIES, title="渠道"))
    assert root.get("font-family") == "inherit"
    assert all(t.get("fill") == "currentColor" for t in root.iter(f"{NS}text"))


def test_style_gives_bars_and_series_default_fills():
    style = parse(stacked_bar_chart([("东区", {"letter": 1})], series=SERIES, title="渠道")).find(f"{NS}style").text
    assert re.search(r"\.kb-bar\{fill:#[0-9a-f]{6}\}", style)
    fills = [re.search(rf"kb-series-{i}\{{fill:(#[0-9a-f]{{6}})\}}", style).group(1) for i in range(len(SERIES))]
    assert len(set(fills)) == len(SERIES)


@pytest.mark.parametrize("horizontal", [True, False])
def test_one_bar_per_item(horizontal):
    items = [("来信", 5), ("来访", 0), ("网上", 2.5), ("电话", 1)]
    assert len(bars(parse(bar_chart(items, title="渠道", horizontal=horizontal)))) == len(items)


def test_items_are_drawn_in_the_given_order():
    root = parse(bar_chart([("乙", 1), ("甲", 9), ("丙", 5)], title="顺序"))
    assert [t for t in texts(root) if t in "甲乙丙"] == ["乙", "甲", "丙"]
    ys = [float(b.get("y")) for b in bars(root)]
    assert ys == sorted(ys)


def test_bar_widths_are_proportional_to_values():
    root = parse(bar_chart([("一", 10), ("二", 5), ("三", 2.5)], title="比例"))
    widths = [float(b.get("width")) for b in bars(root)]
    assert widths[0] == max(widths) > 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=1)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=1)


def test_largest_bar_fills_the_plot_up_to_the_value_label():
    root = parse(bar_chart([("一", 10), ("二", 5)], title="比例", width=640))
    largest = bars(root)[0]
    end = float(largest.get("x")) + float(largest.get("width"))
    value = next(t for t in root.iter(f"{NS}text") if t.text == "10")
    assert end < float(value.get("x")) and float(value.get("x")) + 2 * 0.6 * 14 <= 640


def test_column_heights_are_proportional_to_values():
    root = parse(bar_chart([("2022", 8), ("2023", 4)], title="年度", horizontal=False))
    heights = [float(b.get("height")) for b in bars(root)]
    assert heights[0] == max(heights) > 0
    assert heights[1] == pytest.approx(heights[0] / 2, abs=1)


def test_column_labels_sit_under_the_columns():
    root = parse(bar_chart([("2022", 8), ("2023", 4)], title="年度", horizontal=False))
    baseline = max(float(b.get("y")) + float(b.get("height")) for b in bars(root))
    labels = [t for t in root.iter(f"{NS}text") if t.text in ("2022", "2023")]
    assert len(labels) == 2 and all(float(t.get("y")) > baseline for t in labels)


def test_height_grows_with_the_number_of_items():
    def height(n):
        return float(parse(bar_chart([(f"项{i}", i) for i in range(n)], title="多")).get("viewBox").split()[3])
    assert height(5) < height(10) < height(40)
    assert height(40) - height(10) == pytest.approx(30 * (height(10) - height(5)) / 5)


def test_labels_are_xml_escaped():
    svg = bar_chart([("A&B<信访>", 3), ('"引号"\'', 1)], title="T&<>", unit="<件>")
    root = parse(svg)
    assert "A&B<信访>" in texts(root)
    assert '"引号"\'' in texts(root)
    assert "3<件>" in texts(root)
    assert root.find(f"{NS}title").text == "T&<>"


def test_long_labels_are_truncated_with_the_full_label_in_a_title():
    label = "二〇二三年度某某县人民来访接待中心处理事项"   # 21 CJK characters
    root = parse(bar_chart([(label, 3)], title="长标签"))
    (row,) = rows(root)
    shown = [t.text for t in row.iter(f"{NS}text") if t.text.endswith("…")]
    assert len(shown) == 1 and len(shown[0]) <= 14 and label.startswith(shown[0][:-1])
    assert label not in texts(root)
    assert label in row.find(f"{NS}title").text


def test_labels_of_fourteen_cjk_characters_are_kept_whole():
    label = "一二三四五六七八九十甲乙丙丁"
    assert label in texts(parse(bar_chart([(label, 3)], title="边界")))


def test_ascii_labels_are_measured_narrower_than_cjk():
    label = "Petition office 2023 A"   # 22 ASCII characters = 13.2 em
    assert label in texts(parse(bar_chart([(label, 3)], title="宽度")))


def test_integer_values_have_no_decimals_and_floats_one():
    root = parse(bar_chart([("甲", 12), ("乙", 3.0), ("丙", 2.46), ("丁", 1.25)], title="数值", unit="件"))
    assert [t for t in texts(root) if t.endswith("件")] == ["12件", "3件", "2.5件", "1.3件"]


def test_zero_values_still_show_label_and_zero():
    root = parse(bar_chart([("甲", 4), ("零件", 0)], title="零"))
    (zero_row,) = [g for g in rows(root) if "零件" in texts(g)]
    assert "0" in texts(zero_row)
    assert float(bars(zero_row)[0].get("width")) == 0


def test_all_zero_values_draw_without_dividing_by_zero():
    root = parse(bar_chart([("甲", 0), ("乙", 0)], title="零"))
    assert [float(b.get("width")) for b in bars(root)] == [0, 0]


def test_negative_values_are_rejected():
    with pytest.raises(ValueError):
        bar_chart([("甲", -1)], title="负")


def test_empty_items_say_no_data():
    root = parse(bar_chart([], title="空"))
    assert "暂无数据" in texts(root) and "暂无数据" in desc(root)
    assert bars(root) == []


def test_empty_stacked_rows_say_no_data():
    root = parse(stacked_bar_chart([], series=SERIES, title="空"))
    assert "暂无数据" in texts(root)


def test_output_is_deterministic():
    items = [("甲", 1.5), ("乙&", 3)]
    assert bar_chart(items, title="同", unit="件") == bar_chart(list(items), title="同", unit="件")
    table = [("东区", {"letter": 1, "visit": 2}), ("西区", {"online": 3})]
    assert stacked_bar_chart(table, series=SERIES, title="同") == stacked_bar_chart(table, series=SERIES, title="同")


def test_different_charts_get_different_ids():
    ids = {parse(bar_chart([("甲", v)], title="同")).get("aria-labelledby") for v in (1, 2)}
    assert len(ids) == 2


def test_desc_lists_every_label_and_value():
    items = [("A&B<信访>", 3), ("来访", 0), ("网上信访事项办理情况统计表格附件", 2.5)]
    text = desc(parse(bar_chart(items, title="渠道", unit="件")))
    assert "渠道" in text
    for label, value in [("A&B<信访>", "3件"), ("来访", "0件"), ("网上信访事项办理情况统计表格附件", "2.5件")]:
        assert f"{label}：{value}" in text


def test_stacked_desc_lists_every_row_series_value_and_total():
    text = desc(parse(stacked_bar_chart([("东区", {"letter": 1, "visit": 2}), ("西区", {"online": 3.5})],
                                        series=SERIES, title="渠道")))
    assert "东区：来信 1，来访 2，网上 0，合计 3" in text
    assert "西区：来信 0，来访 0，网上 3.5，合计 3.5" in text


def test_stacked_segments_add_up_to_the_row_total_width():
    root = parse(stacked_bar_chart([("东区", {"letter": 6, "visit": 4}), ("西区", {"letter": 1, "visit": 1, "online": 3})],
                                   series=SERIES, title="渠道"))
    east, west = ([float(r.get("width")) for r in bars(row)] for row in rows(root))
    assert sum(west) == pytest.approx(sum(east) / 2, abs=1)
    assert east[0] == pytest.approx(sum(east) * 0.6, abs=1)


def test_stacked_segments_are_contiguous_in_series_order():
    root = parse(stacked_bar_chart([("东区", {"online": 1, "letter": 2, "visit": 3})], series=SERIES, title="渠道"))
    segments = bars(root)
    assert [s.get("class").split()[1] for s in segments] == ["kb-series-0", "kb-series-1", "kb-series-2"]
    for left, right in zip(segments, segments[1:]):
        assert float(left.get("x")) + float(left.get("width")) == pytest.approx(float(right.get("x")), abs=0.02)


def test_stacked_chart_has_a_legend_entry_per_series():
    root = parse(stacked_bar_chart([("东区", {"letter": 1})], series=SERIES, title="渠道"))
    legend = next(g for g in root.iter(f"{NS}g") if g.get("class") == "kb-legend")
    assert texts(legend) == ["来信", "来访", "网上"]
    assert [r.get("class") for r in legend.iter(f"{NS}rect")] == [f"kb-swatch kb-series-{i}" for i in range(3)]


def test_stacked_values_for_unknown_series_are_rejected():
    with pytest.raises(ValueError):
        stacked_bar_chart([("东区", {"fax": 1})], series=SERIES, title="渠道")
