"""Charts as inline SVG strings, rendered at build time: no JavaScript, no fonts, no requests.

Two shapes only: `bar_chart` (horizontal bars, or vertical columns for years) and
`stacked_bar_chart` (horizontal stacked bars with a legend). The root `<svg>` has
`width="100%"` and a viewBox, so it scales to the column on a phone; text is drawn in
`currentColor` with the page's own font; bars are coloured by CSS classes (`kb-bar`,
`kb-series-N`) with defaults in an embedded `<style>` that a site stylesheet may override.
Every chart carries a `<title>` and a `<desc>` that spells out the data for screen readers
and print. The output is one line (safe inside Markdown) and depends only on the input.

Text width is estimated, not measured: 1 em per CJK (any non-ASCII) character, 0.6 em per
ASCII character. Labels wider than 14 em are cut with "…"; the full label stays in the
`<title>` of that bar's group, which browsers show as a tooltip.
"""
from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["bar_chart", "stacked_bar_chart"]

SVG_NS = "http://www.w3.org/2000/svg"
NO_DATA = "暂无数据"

FONT_SIZE = 14          # px in viewBox units
PHONE_WIDTH = 416       # default width: at a phone's 358 px column the text is still 12 px
MIN_TEXT_PX = 12        # a chart is never drawn narrower than this keeps its text (it scrolls instead)
TITLE_SIZE = 16
PAD = 8                 # outer margin
GAP = 6                 # between label, bar and value
TOP = PAD + TITLE_SIZE + 12   # first drawing row under the chart title
ROW = 28                # horizontal: pitch per bar
BAR = 18                # horizontal: bar thickness
COLUMN_HEIGHT = 200     # vertical: height of the tallest column
MAX_LABEL_EM = 14
MIN_PLOT = 120          # the width grows rather than squeeze the bars below this
LEGEND_ROW = 20
SWATCH = 12

BAR_FILL = "#b0473c"    # muted red
PALETTE = ("#b0473c", "#2f5f8a", "#d7a53c", "#7d9c84")  # red, slate blue, ochre, grey-green

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- text ------------------------------------------------------------------------------------

def _clean(text: object) -> str:
    """One line of XML-safe characters (control characters cannot appear in XML at all)."""
    return " ".join(_CONTROL.sub("", str(text)).split())


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _em(text: str) -> float:
    return sum(0.6 if ord(c) < 128 else 1.0 for c in text)


def _fit(text: str, max_em: float) -> str:
    """`text` if it is at most `max_em` wide, else its head and "…" within `max_em`."""
    if _em(text) <= max_em:
        return text
    head, used = [], 0.0
    for c in text:
        used += _em(c)
        if used > max_em - 1:   # "…" counts as 1 em
            break
        head.append(c)
    return "".join(head).rstrip() + "…"


def _value(v: float) -> str:
    """Integers without decimals, anything else with at most one decimal."""
    if isinstance(v, int):
        return str(v)
    text = str(Decimal(repr(v)).quantize(Decimal("0.1"), ROUND_HALF_UP))   # 四舍五入: 1.25 → 1.3
    return text[:-2] if text.endswith(".0") else text


def _n(x: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros, never "-0"."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _number(v: object, what: str) -> float | int:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
        raise ValueError(f"{what}: expected a finite number ≥ 0, got {v!r}")
    return v


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "", size: int = 0,
          bold: bool = False) -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' text-anchor="{anchor}"' if anchor != "start" else ""
    attrs += f' font-size="{size}"' if size else ""
    attrs += ' font-weight="bold"' if bold else ""
    return f'<text x="{_n(x)}" y="{_n(y)}"{attrs} fill="currentColor">{_esc(text)}</text>'


# --- the frame ---------------------------------------------------------------------------------

def _style(series: int) -> str:
    rules = [f".kb-chart .kb-bar{{fill:{BAR_FILL}}}", ".kb-chart .kb-axis{stroke:currentColor;stroke-width:1}"]
    # inline SVG styles are page-wide: `rect.` outranks `.kb-bar` from any chart later on the page
    rules += [f".kb-chart rect.kb-series-{i}{{fill:{PALETTE[i % len(PALETTE)]}}}" for i in range(series)]
    return "<style>" + "".join(rules) + "</style>"


def _heading(title: str, width: float) -> str:
    visible = _fit(title, (width - 2 * PAD) / TITLE_SIZE)
    return _text(PAD, PAD + TITLE_SIZE, visible, cls="kb-chart-title", size=TITLE_SIZE, bold=True)


def _svg(width: float, height: float, title: str, desc: str, body: str, series: int = 0) -> str:
    uid = "kb-chart-" + hashlib.sha1(f"{title}\n{desc}\n{body}".encode()).hexdigest()[:10]
    return (
        f'<svg xmlns="{SVG_NS}" class="kb-chart" width="100%" viewBox="0 0 {_n(width)} {_n(height)}"'
        f' style="min-width:{math.ceil(width * MIN_TEXT_PX / FONT_SIZE)}px"'
        f' role="img" aria-labelledby="{uid}-title" aria-describedby="{uid}-desc"'
        f' font-family="inherit" font-size="{FONT_SIZE}">'
        f'<title id="{uid}-title">{_esc(title)}</title><desc id="{uid}-desc">{_esc(desc)}</desc>'
        f"{_style(series)}{_heading(title, width)}{body}</svg>"
    )


def _empty(title: str, width: int) -> str:
    height = TOP + 2 * FONT_SIZE + PAD
    body = _text(width / 2, TOP + FONT_SIZE, NO_DATA, anchor="middle", cls="kb-chart-empty")
    return _svg(width, height, title, f"{title}：{NO_DATA}", body)


# --- horizontal bars (plain and stacked) ---------------------------------------------------------

def _horizontal(rows: list[tuple[str, str, str, list[tuple[float, str, str]]]], width: int,
                top_of: Callable[[float], tuple[float, str]]
                ) -> tuple[float, float, str]:
    """rows: (label, tooltip, value text, [(value, class, tooltip or "")]); segments in drawing order.

    `top_of(width)` gives the y of the first row and the markup above it (the legend).
    Returns (width, height, body)."""
    labels = [_fit(label, MAX_LABEL_EM) for label, *_ in rows]
    label_w = max(_em(label) for label in labels) * FONT_SIZE
    value_w = max(_em(value) for _, _, value, _ in rows) * FONT_SIZE
    x0 = PAD + label_w + GAP
    width = max(width, x0 + MIN_PLOT + GAP + value_w + PAD)
    plot = width - PAD - value_w - GAP - x0
    largest = max(sum(v for v, *_ in segments) for *_, segments in rows)
    scale = plot / largest if largest > 0 else 0.0
    top, body = top_of(width)

    parts = [body]
    for i, ((_, tooltip, value, segments), label) in enumerate(zip(rows, labels)):
        y = top + i * ROW
        mid = y + ROW / 2 + FONT_SIZE * 0.35
        parts.append(f'<g class="kb-row"><title>{_esc(tooltip)}</title>')
        parts.append(_text(x0 - GAP, mid, label, anchor="end", cls="kb-label"))
        x = x0
        for v, cls, tip in segments:
            w = v * scale
            rect = f'<rect class="{cls}" x="{_n(x)}" y="{_n(y + (ROW - BAR) / 2)}" width="{_n(w)}" height="{BAR}"'
            parts.append(f"{rect}><title>{_esc(tip)}</title></rect>" if tip else f"{rect}/>")
            x += w
        parts.append(_text(x + GAP, mid, value, cls="kb-value"))
        parts.append("</g>")
    bottom = top + len(rows) * ROW
    parts.append(f'<line class="kb-axis" x1="{_n(x0)}" y1="{_n(top)}" x2="{_n(x0)}" y2="{_n(bottom)}"'
                 ' stroke="currentColor"/>')
    return width, bottom + PAD, "".join(parts)


def _vertical(items: list[tuple[str, float]], unit: str, width: int) -> tuple[float, float, str]:
    labels = [_fit(label, MAX_LABEL_EM) for label, _ in items]
    values = [_value(v) + unit for _, v in items]
    need = max(_em(t) for t in labels + values) * FONT_SIZE + GAP
    slot = max((width - 2 * PAD) / len(items), need)
    width = max(width, 2 * PAD + slot * len(items))
    column = min(slot * 0.6, 56)
    largest = max(v for _, v in items)
    scale = COLUMN_HEIGHT / largest if largest > 0 else 0.0
    base = TOP + FONT_SIZE + GAP + COLUMN_HEIGHT

    parts = []
    for i, ((full, v), label, value) in enumerate(zip(items, labels, values)):
        cx = PAD + slot * (i + 0.5)
        h = v * scale
        parts.append(f'<g class="kb-row"><title>{_esc(f"{full}：{value}")}</title>')
        parts.append(f'<rect class="kb-bar" x="{_n(cx - column / 2)}" y="{_n(base - h)}"'
                     f' width="{_n(column)}" height="{_n(h)}"/>')
        parts.append(_text(cx, base - h - 4, value, anchor="middle", cls="kb-value"))
        parts.append(_text(cx, base + 4 + FONT_SIZE, label, anchor="middle", cls="kb-label"))
        parts.append("</g>")
    parts.append(f'<line class="kb-axis" x1="{PAD}" y1="{_n(base)}" x2="{_n(width - PAD)}" y2="{_n(base)}"'
                 ' stroke="currentColor"/>')
    return width, base + 4 + FONT_SIZE + PAD, "".join(parts)


# --- the API -----------------------------------------------------------------------------------

def bar_chart(items: Sequence[tuple[str, float]], *, title: str, unit: str = "", horizontal: bool = True,
              width: int = PHONE_WIDTH) -> str:
    """A one-series bar chart, items drawn in the given order.

    horizontal: label left, bar, value (with `unit`) at the bar's end; 28 px per item, so the
    height grows with the list. Otherwise vertical columns with the labels underneath (years).
    `width` is the viewBox width; it grows when the labels leave the bars too little room.
    Values must be finite and ≥ 0 (ValueError otherwise); no items gives a "暂无数据" chart.
    """
    title, unit = _clean(title), _clean(unit)
    items = [(_clean(label), _number(v, f"{title}/{label}")) for label, v in items]
    if not items:
        return _empty(title, width)
    desc = f"{title}。" + "；".join(f"{label}：{_value(v)}{unit}" for label, v in items) + "。"
    if horizontal:
        rows = [(label, f"{label}：{_value(v)}{unit}", _value(v) + unit, [(v, "kb-bar", "")]) for label, v in items]
        w, h, body = _horizontal(rows, width, lambda _w: (TOP, ""))
    else:
        w, h, body = _vertical(items, unit, width)
    return _svg(w, h, title, desc, body)


def stacked_bar_chart(rows: Sequence[tuple[str, dict[str, float]]], *, series: Sequence[tuple[str, str]],
                      title: str, width: int = PHONE_WIDTH) -> str:
    """Horizontal stacked bars, one per row in the given order, total at the bar's end.

    `series` = [(key, Chinese label)] in stacking order (left to right) and legend order;
    segment i has classes "kb-bar kb-series-i". A key missing from a row counts as 0; a key
    not in `series` is a ValueError, as is a negative or non-finite value.
    """
    title = _clean(title)
    series = [(key, _clean(name)) for key, name in series]
    keys = [key for key, _ in series]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{title}: duplicate series keys {keys}")
    table = []
    for label, values in rows:
        label = _clean(label)
        unknown = sorted(map(str, set(values) - set(keys)))
        if unknown:
            raise ValueError(f"{title}/{label}: values for unknown series {unknown}")
        table.append((label, [_number(values.get(key, 0), f"{title}/{label}/{key}") for key in keys]))
    if not table or not series:
        return _empty(title, width)

    def breakdown(label: str, values: list[float]) -> str:
        parts = "，".join(f"{name} {_value(v)}" for (_, name), v in zip(series, values))
        return f"{label}：{parts}，合计 {_value(sum(values))}"

    desc = f"{title}。" + "；".join(breakdown(label, values) for label, values in table) + "。"
    drawn = [(label, breakdown(label, values), _value(sum(values)),
              [(v, f"kb-bar kb-series-{i}", f"{label} · {series[i][1]}：{_value(v)}")
               for i, v in enumerate(values) if v > 0])
             for label, values in table]

    def legend(w: float) -> tuple[float, str]:
        parts, x, line = [], PAD, 0
        for i, (_, name) in enumerate(series):
            name = _fit(name, MAX_LABEL_EM)
            item = SWATCH + 4 + _em(name) * FONT_SIZE
            if x > PAD and x + item > w - PAD:
                x, line = PAD, line + 1
            y = TOP + line * LEGEND_ROW
            parts.append(f'<g class="kb-legend-item"><rect class="kb-swatch kb-series-{i}" x="{_n(x)}"'
                         f' y="{_n(y + (LEGEND_ROW - SWATCH) / 2)}" width="{SWATCH}" height="{SWATCH}"/>')
            parts.append(_text(x + SWATCH + 4, y + LEGEND_ROW / 2 + FONT_SIZE * 0.35, name) + "</g>")
            x += item + 16
        return TOP + (line + 1) * LEGEND_ROW + 4, '<g class="kb-legend">' + "".join(parts) + "</g>"

    w, h, body = _horizontal(drawn, width, legend)
    return _svg(w, h, title, desc, body, series=len(series))
