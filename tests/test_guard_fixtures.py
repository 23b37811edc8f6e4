"""One bad file per failure, each with the exact problems `kb validate` must print for it.

Every file in tests/fixtures/invalid/ is named for what it breaks. It is dropped into a copy of
the fixture corpus (cases into cases/shanghai/, sources into sources/) and only the errors reported
for that file are compared, in full: line, column, field and message.
"""
import shutil
from pathlib import Path

import pytest

from kb.content.validate import check

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"
GUARD = "不得公开信访人的个人信息，请删除或改写（公开资料点名的公职人员等可登记到 content/allowlist.yaml）"
TAG = "页面只接受纯文字；要写尖括号请改用全角“＜＞”"
LINK = "只允许 http(s)、mailto 和站内相对链接"
SEED = "是编辑的工作用语，读者看不懂：请写资料的题名（如《开拓与创新》），或说“编者所见的文本”"
FIELD = "是 YAML 字段名，读者看不懂：请用中文说（如“开始年份”“页码”），或"
HINT = "是编辑工作中的用语或给编辑的提示，读者不需要：请"

EXPECTED = {
    "case-saved-as-yml.yml": ["1:1  -  扩展名应为 .yaml（现在是 .yml），否则不会被读取：请改名为 case-saved-as-yml.yaml"],
    "stray-notes.txt": ["1:1  -  content/ 只放 .yaml 内容文件，.txt 文件不会被读取：请移到 content/ 之外"],
    "title-script-tag.yaml": [f"3:10  title  不能写 HTML 标记“<script>”：{TAG}",
                              f"3:26  title  不能写 HTML 标记“</script>”：{TAG}"],
    "title-img-onerror.yaml": [f"3:10  title  不能写 HTML 标记“<img src=x onerror=alert(1)>”：{TAG}"],
    "summary-javascript-link.yaml": [f"10:17  summary  链接不能用“javascript:”：{LINK}"],
    "measures-name-data-link.yaml": [f"12:19  measures[0].name  链接不能用“data:”：{LINK}"],
    "summary-folded-block-mobile.yaml": [f"13:8  summary  疑似手机号码：“13912345678”。{GUARD}"],
    "summary-spaced-mobile.yaml": [f"10:18  summary  疑似手机号码：“139 1234 5678”。{GUARD}"],
    "lessons-dashed-mobile.yaml": [f"15:17  lessons[0].text  疑似手机号码：“139-1234-5678”。{GUARD}"],
    "summary-id-number.yaml": [f"10:17  summary  疑似身份证号：“31010119800101123X”。{GUARD}"],
    "summary-old-id-number.yaml": [f"10:14  summary  疑似身份证号（15 位）：“310101800101123”。{GUARD}"],
    "summary-bank-card.yaml": [f"10:15  summary  疑似银行卡号：“6222021234567890128”。{GUARD}"],
    "summary-landline.yaml": [f"10:14  summary  疑似固定电话号码：“021-62345678”。{GUARD}"],
    "summary-email.yaml": [f"10:15  summary  疑似电子邮箱：“xinfang@example.com”。{GUARD}"],
    "summary-wechat.yaml": [f"10:11  summary  疑似微信/QQ 号：“微信号 zhang_san88”。{GUARD}"],
    "summary-door-address.yaml": [f"10:15  summary  疑似门牌地址：“502弄3号201室”。{GUARD}"],
    "summary-mou-name.yaml": [f"10:13  summary  疑似信访人姓氏（某某）：“张某某”。{GUARD}"],
    "summary-term-of-address.yaml": [f"10:10  summary  疑似信访人称呼：“王阿姨”。{GUARD}"],
    "source-note-mobile.yaml": [f"7:13  note  疑似手机号码：“13912345678”。{GUARD}",
                                f"7:25  note  疑似信访人姓氏（某某）：“张某某”。{GUARD}"],
    # Links judged in the HTML the site makes of them, where a browser drops the line break.
    "summary-link-scheme-broken-by-line.yaml": [f"11:10  summary  链接不能用“javascript:”：{LINK}"],
    "summary-link-definition-on-next-line.yaml": [f"14:3  summary  链接不能用“javascript:”：{LINK}"],
    "source-note-link-scheme-broken-by-crlf.yaml": [f"7:16  note  链接不能用“javascript:”：{LINK}"],
    # issue 24: the guard reads what a reader sees; load refuses what no page should hold
    "summary-fullwidth-mobile.yaml": [f"10:14  summary  疑似手机号码：“１３９１２３４５６７８”（读作“13912345678”）。{GUARD}"],
    "summary-zero-width-mobile.yaml": [f"10:14  summary  疑似手机号码：“139\\u200b1234\\u00ad5678”（读作“13912345678”）。{GUARD}"],
    "summary-chinese-numeral-mobile.yaml": [f"10:14  summary  疑似手机号码：“幺三九一二三四五六七八”（读作“13912345678”）。{GUARD}"],
    "summary-ideographic-space-landline.yaml": [f"10:14  summary  疑似固定电话号码：“021\u300062345678”。{GUARD}"],
    "summary-fullwidth-at-email.yaml": [f"10:14  summary  疑似电子邮箱：“xinfang＠example.com”（读作“xinfang@example.com”）。{GUARD}"],
    "summary-vx-label.yaml": [f"10:11  summary  疑似微信/QQ 号：“VX：zhang_san88”。{GUARD}"],
    "summary-chinese-door-number.yaml": [f"10:18  summary  疑似门牌地址：“一百二十三弄”（读作“123弄”）。{GUARD}"],
    "summary-zero-width-mou-name.yaml": [f"10:13  summary  疑似信访人姓氏（某某）：“张\\u200b某某”（读作“张某某”）。{GUARD}"],
    "summary-literal-block-mobile.yaml": [f"11:23  summary  疑似手机号码：“139\\n1234 5678”。{GUARD}"],
    "summary-escape-control.yaml": ["10:27  summary  “\\e”写出的是控制字符 U+001B：页面、导出和终端都不接受，请删除这个转义"],
    "summary-lone-surrogate.yaml": ["10:27  summary  “\\ud800”是半个字符（U+D800，单独的代理码）：请直接写出这个字，"
                                    "或用 \\U0001F600 这样的 8 位写法"],
    "summary-huge-integer.yaml": ["9:43  period.reported_year  数字太长（5000 位）：最多 15 位（Excel 和网页只能原样保存这么长的数字）；"
                                  "编号、号码等请加引号写成文字"],
    "deep-nesting.yaml": ["8:58  -  嵌套太深（超过 50 层）：内容文件用不到这么多层，请检查是否多写了“[”“{”或“- ”"],
    # Editors' working notes in reader-facing fields; a case's notes (编辑说明) are never shown to readers.
    "summary-seed-name.yaml": [f"10:11  summary  “种子000”{SEED}"],
    "summary-field-name.yaml": [f"10:21  summary  “start_year”{FIELD}移到编辑说明（notes）",
                                f"10:37  summary  “reported_year”{FIELD}移到编辑说明（notes）"],
    "lessons-editor-instruction.yaml": [f"15:17  lessons[0].text  “不要推测”{HINT}移到编辑说明（notes），或改写成读者需要知道的事实"],
    "notes-working-notes-allowed.yaml": [],
    "source-note-admin.yaml": [f"7:13  note  “Admin”{HINT}删去，或改写成读者需要知道的事实",
                               f"7:24  note  “isbn”{FIELD}删去"],
}


def errors_for(content: Path, fixture: Path, folder: str) -> list[str]:
    shutil.copy(fixture, content / folder / fixture.name)
    _, problems = check(content)
    return [f"{p.line}:{p.column}  {p.field or '-'}  {p.message}" for p in problems
            if p.severity == "error" and Path(p.file).name == fixture.name]


def test_every_fixture_has_an_expectation_and_every_expectation_a_fixture():
    assert sorted(p.name for p in INVALID.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gets_exactly_its_expected_problems(fixture_copy, name):
    folder = "sources" if name.startswith("source-") else "cases/shanghai"
    assert errors_for(fixture_copy, INVALID / name, folder) == EXPECTED[name]


def test_the_fixture_corpus_itself_has_no_errors():
    _, problems = check(FIXTURES / "content")
    assert [p for p in problems if p.severity == "error"] == []


def test_a_file_over_the_size_limit_is_refused_unread(fixture_copy):
    content = fixture_copy
    big = content / "cases" / "shanghai" / "huge-paste.yaml"
    big.write_text("summary: " + "字" * 100_000 + "\n", encoding="utf-8")
    _, problems = check(content)
    assert [p.format() for p in problems if p.file.endswith("huge-paste.yaml")] == [
        f"{Path(problems[0].file).parent.as_posix()}/huge-paste.yaml:1:1  -  "
        "文件太大（292 KB），一个内容文件最多 256 KB：请删去粘贴进来的原文，或把内容拆成几个条目"]


def test_a_symlink_leaving_content_is_reported_and_not_read(tmp_path, fixture_copy):
    content = fixture_copy
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((FIXTURES / "content" / "cases" / "shanghai" / "shanghai-changning-daili.yaml").read_text(encoding="utf-8"))
    (content / "cases" / "shanghai" / "linked.yaml").symlink_to(outside)
    corpus, problems = check(content)
    assert [p.message for p in problems if p.file.endswith("linked.yaml")] == [
        "这是指向 content/ 以外的链接，不会读取：请把文件本身放进 content/"]
    assert len(corpus.cases) == 2


@pytest.mark.parametrize("parallel", [False, True])
def test_a_named_pipe_or_folder_named_yaml_is_reported_not_waited_on(tmp_path, fixture_copy, monkeypatch, parallel):
    import os
    import threading

    from kb.content import doccache
    content = fixture_copy
    os.mkfifo(content / "cases" / "shanghai" / "pipe.yaml")
    os.mkfifo(content / "allowlist.yaml")
    (content / "cases" / "shanghai" / "folder.yaml").mkdir()
    monkeypatch.setattr(doccache, "PARALLEL_FROM", 1 if parallel else 10**9)
    result = {}
    worker = threading.Thread(target=lambda: result.update(found=check(content, tmp_path / "cache.marshal")), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "kb validate waited on a named pipe"
    corpus, problems = result["found"]
    message = "这不是普通文件（是文件夹、命名管道或设备），不会读取：请删除它，或换成同名的内容文件"
    assert sorted((Path(p.file).name, p.message) for p in problems if p.message == message) == [
        ("allowlist.yaml", message), ("folder.yaml", message), ("pipe.yaml", message)]
    assert len(corpus.cases) == 2


def test_public_text_on_the_allow_list_passes_and_nothing_else_does(fixture_copy):
    content = fixture_copy
    case = content / "cases" / "shanghai" / "shanghai-changning-daili.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("organisation: 长宁区信访办公室",
                                                             "organisation: 长宁区信访办公室（公开电话021-62345678，张某某）"))
    (content / "allowlist.yaml").write_text(
        "entries:\n  - {text: 021-62345678, source: test-book-01, reason: 信访办公布的接待电话}\n", encoding="utf-8")
    _, problems = check(content)
    assert [p.message.split("。")[0] for p in problems if p.file.endswith("daili.yaml") and p.severity == "error"] == [
        "疑似信访人姓氏（某某）：“张某某”"]


def test_an_allow_list_entry_must_name_a_known_source(fixture_copy):
    content = fixture_copy
    (content / "allowlist.yaml").write_text(
        "entries:\n  - {text: 李琴, source: no-such-book, reason: 资料点名的工作室负责人}\n", encoding="utf-8")
    _, problems = check(content)
    assert [(p.field, p.message) for p in problems if p.file.endswith("allowlist.yaml") and p.severity == "error"] == [
        ("entries[0].source", "资料“no-such-book”不在 content/sources 中：例外必须有公开出处")]


def test_every_text_field_of_every_schema_has_a_length_limit():
    import json

    def strings_without_limit(node, path="$"):
        if isinstance(node, dict):
            if node.get("type") == "string" and "maxLength" not in node and "enum" not in node:
                yield path
            for key, value in node.items():
                yield from strings_without_limit(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from strings_without_limit(value, f"{path}[{i}]")
    schemas = Path(__file__).parents[1] / "schemas"
    missing = {p.name: list(strings_without_limit(json.loads(p.read_text(encoding="utf-8")))) for p in schemas.glob("*.schema.json")}
    assert {name: paths for name, paths in missing.items() if paths} == {}


def test_an_overlong_title_is_refused_with_its_limit(fixture_copy):
    content = fixture_copy
    case = content / "cases" / "shanghai" / "shanghai-changning-daili.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("title: 测试区信访代理工作室网络", "title: " + "长" * 150))
    _, problems = check(content)
    assert [(p.line, p.field, p.message) for p in problems if p.severity == "error"] == [(3, "title", "「标题」太长，最多 60 个字")]
