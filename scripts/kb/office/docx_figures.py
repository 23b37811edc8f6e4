"""Outcome candidates from a Word 经验材料: one per figure of the 取得成效 text and its tables.

A candidate keeps the sentence it came from in its note. What the import cannot read with
confidence is left empty, never filled with a fragment: an indicator it cannot name, a unit a
table does not give. Service time limits (“3个工作日内办结”) are rules of a measure, not
results, and are never candidates.
"""
from __future__ import annotations

import re

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_TIME_UNITS = ("个工作日", "工作日", "个小时", "小时", "分钟", "个月", "天", "日", "周")
_UNITS = ("个百分点", "万人次", "人次", "件次", "户次", "万元", "亿元") + _TIME_UNITS + (
    "%", "％", "‰", "件", "人", "户", "次", "起", "名", "个", "家", "项", "条", "宗", "批", "场", "期", "处",
    "座", "所", "元", "倍", "万人", "份")
_FIGURE = re.compile(r"(?<![\d.,])(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<approx>余|多)?\s*(?P<unit>"
                     + "|".join(re.escape(u) for u in _UNITS) + ")")
_WITHIN = re.compile(r"^\s*(内|以内|之内|前)")
_LIMIT_WORDS = re.compile(r"(限时|时限|限期|必须|须在|要在|应在|承诺)[^，,。；;]*$")
PERIOD = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:(?:至|到|—|－|-|~|～)(?:\d{4}年(?:\d{1,2}月)?|\d{1,2}月))?(?:以来|底|末|上半年|下半年|全年|前三季度)?"
                    r"|近[一二三四五六七八九十两\d]+年|今年以来|今年|去年|全年|上半年|下半年")
_CHANGE = re.compile(r"(?P<base>同比|比上年|较上年|与上年相比|比去年|较去年|比(?P<year>\d{4})年|较(?P<year2>\d{4})年)[^，,。；]*?"
                     r"(?P<dir>下降|减少|降低|上升|增长|增加|提高)了?$")
_FILLER_START = re.compile(r"^(其中|全年|同时|目前|截至目前|至今|先后|共|累计|总计|全区|全市|全县|全镇|此外|另外|并|和|与|及)+")
_FILLER_END = re.compile(r"(共|累计|达到|达|为|约|计|近|超过|超|有|了|总数|人数|数量|缩短至|缩短到|提高到|提高至|下降到|下降至)+$")
_SUBJECT = re.compile(r"^[\u4e00-\u9fff]{1,6}?(共|累计|总计)")  # “中心共受理…” → “受理…”
_ACTOR = re.compile(r"^[\u4e00-\u9fff“”\"]{1,8}?(站|室|中心|超市|窗口|大厅|平台|”)"
                    r"(?=受理|接待|调解|化解|办结|代理|排查|解决|处理|办理|走访|回访|调处|出具|帮助)")  # “接待站接待…”
_FROM = re.compile(r"由[^由]*$")  # “满意率由85%提高到” → “满意率”
_TO = re.compile(r"^\s*(提高|提升|上升|增加|增长|下降|降低|减少|缩短|压缩|降)(到|至|为)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def count_figures(texts) -> int:
    """How many figures with a unit the texts hold (the import's limit counts them all)."""
    return sum(1 for text in texts for _ in _FIGURE.finditer(text))


_RESULT_WORDS = re.compile(r"率|同比|下降|减少|降低|上升|增长|增加|提高|比上年|较上年|化解|办结|满意")


def reads_like_result(sentence: str) -> bool:
    """A sentence that reports a result (a rate or a change), not one that describes the place."""
    return bool(_RESULT_WORDS.search(sentence))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def figure_candidates(sentence: str, origin: str) -> list[dict]:
    """One outcome candidate per figure in the sentence (years and dates are periods, not figures;
    time limits are rules, not figures)."""
    period = PERIOD.search(sentence)
    out = []
    for match in _FIGURE.finditer(sentence):
        if _is_date(sentence, match) or _is_time_limit(sentence, match) or _is_from_value(sentence, match):
            continue
        candidate = _candidate(sentence, match)
        if period:
            candidate["period"] = period.group(0)
        approx = "（原文为约数）" if match.group("approx") else ""
        candidate["note"] = f"原文（{origin}）：{sentence}{approx}"
        out.append(candidate)
    return out


def _is_date(sentence: str, match: re.Match) -> bool:
    return bool(re.match(r"[年月日号]", sentence[match.end("num"):match.end("num") + 1] or " "))


def _is_time_limit(sentence: str, match: re.Match) -> bool:
    """“3个工作日内办结”, “限时2小时响应”: a promise about time, not a result."""
    if match.group("unit") not in _TIME_UNITS:
        return False
    return bool(_WITHIN.match(sentence[match.end():]) or _LIMIT_WORDS.search(_clause_before(sentence, match)))


def _is_from_value(sentence: str, match: re.Match) -> bool:
    """The 85% of “由85%提高到97%”: the result is the figure after it."""
    return bool(_TO.match(sentence[match.end():]))


def _clause_before(sentence: str, match: re.Match) -> str:
    return re.split(r"[，,；;：:、（(]", sentence[:match.start()])[-1]


def _candidate(sentence: str, match: re.Match) -> dict:
    number = match.group("num").replace(",", "")
    value = float(number) if "." in number else int(number)
    unit = {"％": "%"}.get(match.group("unit"), match.group("unit"))
    clause = _clause_before(sentence, match)
    change = _CHANGE.search(clause)
    if not change:
        return {"indicator": indicator(clause), "value": value, "unit": unit}
    baseline = change.group("year") or change.group("year2")
    baseline = f"{baseline}年" if baseline else ("上年同期" if change.group("base") == "同比" else "上年")
    sign = -1 if change.group("dir") in ("下降", "减少", "降低") else 1
    return {"indicator": indicator(clause[:change.start()]) or indicator(clause),
            "change": {"amount": sign * value, "unit": unit, "baseline": baseline}}


def indicator(clause: str) -> str:
    """What the figure measures, from the words before it; empty when they name nothing."""
    clause = _FROM.sub("", PERIOD.sub("", clause)).strip(" ，,")
    clause = _ACTOR.sub("", _SUBJECT.sub("", _FILLER_START.sub("", clause)))
    clause = _FILLER_END.sub("", _FILLER_START.sub("", clause)).strip()
    return clause if len(_CJK.findall(clause)) >= 2 else ""


def table_candidates(rows: list[list[str]], origin: str) -> list[dict]:
    """A figures table: header row names the indicators, the first column names the period or item."""
    if len(rows) < 2:
        return []
    if len(rows[0]) > 1 and all(_is_period(cell) for cell in rows[0][1:]):
        rows = [list(column) for column in zip(*rows)]  # the periods run across the top: read it turned
    header, out = rows[0], []
    for row in rows[1:]:
        for col, cell in enumerate(row[1:], start=1):
            match = re.fullmatch(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(%|％|件|人|户|次|个)?", cell)
            if match and col < len(header):
                out.append(_table_candidate(row, header[col], match, origin))
    return out


def _table_candidate(row: list[str], column_header: str, match: re.Match, origin: str) -> dict:
    label = row[0]
    number = match.group(1).replace(",", "")
    unit = {"％": "%"}.get(match.group(2) or "", match.group(2)) or _unit_from_header(column_header)
    candidate = {"indicator": re.sub(r"[（(].*?[）)]", "", column_header).strip() or column_header,
                 "value": float(number) if "." in number else int(number), "unit": unit}
    if _is_period(label):
        candidate["period"] = label if "年" in label else f"{label}年"
    else:
        candidate["indicator"] = f"{label}：{candidate['indicator']}"
    candidate["note"] = f"原文（{origin}表格）：{' | '.join(row)}"
    return candidate


def _is_period(text: str) -> bool:
    return bool(PERIOD.fullmatch(text) or re.fullmatch(r"\d{4}", text))


def _unit_from_header(header: str) -> str:
    match = re.search(r"[（(](.+?)[）)]", header)
    if match:
        return match.group(1)
    return "%" if "率" in header else ""
