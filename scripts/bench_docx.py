"""How well `kb import 材料.docx` reads 经验材料 of different layouts (tests/docx_samples.py).

For each sample it imports the document into a copy of content/ and prints, field by field,
whether the draft holds what a careful editor would take from the document (✓) or not (✗),
then the share of fields right. Prints figures; asserts nothing (tests/test_docx_samples.py does).

    .venv/bin/python scripts/bench_docx.py
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from docx_samples import HELD_OUT, HELD_OUT_2, SAMPLES, score_sample  # noqa: E402


def _pad(text: str, width: int) -> str:
    """Pad to a display width (a Chinese character takes two columns)."""
    shown = sum(2 if ord(ch) > 0x2e80 else 1 for ch in text)
    return text + " " * max(width - shown, 1)


def main() -> None:
    print("开发样本（导入规则按它们调整过）")
    table(SAMPLES)
    print("\n第一组留出样本（写于规则调整之后；此后按它们的错误做过一轮通用修正）")
    table(HELD_OUT)
    print("\n第二组留出样本（写于那轮修正之后，未按它们调整）")
    table(HELD_OUT_2)


def table(samples) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n, sample in enumerate(samples):
            content = Path(folder) / f"c{n}" / "content"
            shutil.copytree(ROOT / "content", content)
            rows.append((sample.name, score_sample(sample, content, Path(folder) / f"{n}.docx")))
    fields = list(rows[0][1])
    print(_pad("样本", 40) + " ".join(_pad(f, 8) for f in fields) + " 合计")
    for name, scores in rows:
        marks = " ".join(_pad("✓" if scores[f] else "✗", 8) for f in fields)
        print(_pad(name, 40) + marks + f" {sum(scores.values())}/{len(fields)}")
    total = sum(sum(s.values()) for _, s in rows)
    print(f"\n{len(rows)} 份材料，{len(fields)} 个字段：{total}/{len(rows) * len(fields)} 正确"
          f"（{total / (len(rows) * len(fields)):.0%}）")
    for field in fields:
        print(f"  {field}: {sum(s[field] for _, s in rows)}/{len(rows)}")


if __name__ == "__main__":
    main()
