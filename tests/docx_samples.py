"""Realistic 经验材料 Word files made with python-docx, for the import tests and the example."""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH


def _heading(document, text: str, bold: bool = True):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    return paragraph


def jingyan_cailiao(path: Path) -> Path:
    """A district's experience material: title, unit line, 一、（一）1. numbering, a figures table."""
    document = Document()
    document.add_heading("长宁区推行“有信访我代理”工作机制", level=0)
    unit = document.add_paragraph("（上海市长宁区信访办公室）")
    unit.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("联系人：王某某　联系电话：13912345678")
    document.add_heading("一、基本情况", level=1)
    document.add_paragraph("长宁区地处上海中心城区西部，辖10个街道、镇。2005年前后，动拆迁、企业改制等矛盾集中，"
                           "群众越级上访、重复上访较多，基层化解能力不足。")
    document.add_heading("二、主要做法", level=1)
    document.add_paragraph("2006年起，区信访办在全区推行信访代理制，主要抓了三个方面。")
    _heading(document, "（一）建立三级代理网络。")
    document.add_paragraph("在区、街道（镇）、居委会三级设立代理工作站，每个街道配备专职代理员4名，居委会确定兼职代理员。")
    _heading(document, "（二）规范代理流程：")
    document.add_paragraph("1．登记受理。代理员当场登记群众诉求，出具代理回执。")
    document.add_paragraph("2．分流交办。按照“谁主管、谁负责”的原则转交责任部门。")
    _heading(document, "（三）健全考核机制。将代理工作纳入街道年度考核，实行月通报、季讲评。")
    document.add_heading("三、取得成效", level=1)
    document.add_paragraph("2006年4月至11月，全区共代理信访事项1200余件，办结率达98.5%。"
                           "2007年到区集体上访批次同比下降35%，群众满意度明显提高。")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [["年份", "代理件数（件）", "办结率"], ["2006", "1,200", "98.5%"], ["2007", "1460", "99.1%"]]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_heading("四、经验启示", level=1)
    document.add_paragraph("（一）领导重视是前提。主要领导亲自抓，把代理工作列入重要议事日程。")
    document.add_paragraph("（二）队伍建设是关键。代理员要懂政策、熟业务、有耐心。")
    document.add_heading("五、下一步打算", level=1)
    document.add_paragraph("进一步扩大代理范围，向“两新”组织延伸。")
    document.add_paragraph("长宁区信访办公室　2008年3月")
    document.add_paragraph("（本文件是 kb import 的演示材料：结构仿照经验材料，数字为演示用，不是统计数据。）")
    document.save(str(path))
    return path


if __name__ == "__main__":  # regenerates the shipped example: python tests/docx_samples.py examples/
    import sys

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "examples")
    folder.mkdir(exist_ok=True)
    print(jingyan_cailiao(folder / "经验材料-示例.docx"))
