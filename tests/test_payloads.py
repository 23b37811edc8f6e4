"""Markup written into content never comes alive on a page.

A copy of the fixture corpus gets script payloads in every kind of free-text field of every kind
of file. The validator must report each of them; the pages are then rendered anyway (skipping
validation, as if a check had been missed) and opened one by one in Chromium from disk: no dialog
may fire, no payload element may exist, and the page must show the payload as plain text.
"""
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import PINNED_CONTENT
from kb.site.browser import chromium_path
from kb.content.corpus import read_corpus
from kb.site.csp import protect_site
from kb.build.builder import generate_docs, run_mkdocs
from kb.content.validate import check

FIXTURE = Path(__file__).parent / "fixtures" / "content"
CASE = "cases/shanghai/shanghai-changning-daili.yaml"

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2) id=pwn>",
    '"><svg onload=alert(3) id=pwn>',
    "[点我](javascript:alert(4))",
    "[链接](JaVaScRiPt:alert(5))",
    "[数据](data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==)",
    "[旧式](vbscript:msgbox(7))",
    "<style>body{display:none}</style>",
    "{{7*7}}{% if true %}模板{% endif %}",
    '段落 {: onclick="alert(8)" id=pwn }',
    "<a href=\"javascript:alert(9)\" id=pwn>链接</a>",
]
# Where the payloads go: (file, path to a string field). Every kind of content file is covered.
FIELDS = [
    (CASE, ("title",)), (CASE, ("summary",)), (CASE, ("organisation",)), (CASE, ("background",)),
    (CASE, ("measures", 0, "name")), (CASE, ("measures", 0, "details")), (CASE, ("workflow", 1, "details")),
    (CASE, ("named_methods", 0, "name")), (CASE, ("outcomes", 1, "indicator")), (CASE, ("lessons", 0)),
    (CASE, ("milestones", 0, "event")), (CASE, ("staffing", 0, "role")),
    ("sources/test-book.yaml", ("title",)), ("sources/test-book.yaml", ("contents", 1, "title")),
    ("glossary.yaml", ("terms", 0, "definition")),
    ("regions.yaml", ("regions", 2, "name")),
    ("taxonomy/practice-types.yaml", ("terms", 0, "name")), ("taxonomy/practice-types.yaml", ("terms", 0, "definition")),
]


def _set(data, path, value):
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    content = tmp_path_factory.mktemp("payloads") / "content"
    shutil.copytree(FIXTURE, content)
    for n, (file, path) in enumerate(FIELDS):
        target = content / file
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
        payload = PAYLOADS[n % len(PAYLOADS)]
        _set(data, path, f"测试{payload}文字" if path[-1] != "title" else "测试" + "".join(PAYLOADS))
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (content / "courses").mkdir()
    (content / "courses" / "poisoned-course.yaml").write_text(
        yaml.safe_dump(_poisoned_course(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return content


def _poisoned_course() -> dict:
    """One module and lesson of a shipped course, without references to shipped cases, with payloads."""
    course = yaml.safe_load((PINNED_CONTENT / "courses" / "lingdao-jiefang-baoan.yaml").read_text(encoding="utf-8"))
    module = dict(course["modules"][0], lessons=course["modules"][0]["lessons"][:1])
    lesson = module["lessons"][0]
    lesson.pop("readings", None)
    for quiz in lesson.get("quiz", []):
        quiz.pop("cites", None)
    course.update(id="poisoned-course", modules=[module], title="课程" + PAYLOADS[0], description="说明" + PAYLOADS[1])
    module["title"] = "单元" + PAYLOADS[2]
    lesson["title"] = "一课" + PAYLOADS[0] + PAYLOADS[3]
    lesson["key_points"][0] = "要点" + PAYLOADS[9]
    return course


def test_validator_reports_every_payload_that_would_be_live_markup(poisoned):
    _, problems = check(poisoned)
    reported = {(p.file.split("content/", 1)[1], p.field) for p in problems if "HTML 标记" in p.message or "链接不能用" in p.message}
    expected = {(file, _field(path)) for n, (file, path) in enumerate(FIELDS)
                if path[-1] == "title" or not PAYLOADS[n % len(PAYLOADS)].startswith(("{", "段落"))}
    expected |= {("courses/poisoned-course.yaml", field) for field in
                 ("title", "description", "modules[0].title", "modules[0].lessons[0].title")}
    assert reported == expected


def _field(path):
    from kb.core.problems import field_path
    return field_path(path)


@pytest.fixture(scope="module")
def poisoned_site(poisoned, tmp_path_factory):
    out = tmp_path_factory.mktemp("payload-site")
    generate_docs(read_corpus(poisoned), out / "docs", handouts=False)
    run_mkdocs(out / "docs", out / "site")
    protect_site(out / "site")
    return out / "site"


PAYLOAD_ELEMENTS = """() => document.querySelectorAll(
  '#pwn, [onerror], [onload], [onclick], a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i],'
  + ' [href*="script:" i]').length"""


@pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")
def test_no_page_runs_or_contains_a_payload(poisoned_site, chromium):
    page = chromium.new_page()
    dialogs, violations = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    pages = sorted(poisoned_site.rglob("*.html"))
    assert len(pages) > 15 and any("poisoned-course/" in p.as_posix() for p in pages)
    found = {}
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_timeout(30)
        elements = page.evaluate(PAYLOAD_ELEMENTS)
        hidden = page.evaluate("() => getComputedStyle(document.body).display === 'none'")
        if elements or hidden:
            found[path.relative_to(poisoned_site).as_posix()] = (elements, hidden)
    assert dialogs == [] and found == {} and violations == []


@pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")
def test_the_case_page_shows_payloads_as_plain_text(poisoned_site, chromium):
    page = chromium.new_page()
    page.goto((poisoned_site / "cases" / "shanghai-changning-daili.html").as_uri())
    heading = page.inner_text("h1")
    assert "<script>alert(1)</script>" in heading and "{{7*7}}" in heading
    assert "<script>alert(1)</script>" in page.title()
    body = page.inner_text("article")
    assert "[点我](javascript:alert(4))" in body or "点我" in body
    assert "49" not in heading


@pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")
@pytest.mark.parametrize("page_path", ["index.html", "search.html?q=信访代理", "cases/shanghai-changning-tiaojie-daili.html",
                                       "compare.html?ids=shanghai-changning-tiaojie-daili,shanghai-lingdao-baoan",
                                       "stats.html", "courses/index.html", "glossary.html"])
def test_the_policy_lets_every_feature_of_the_shipped_site_run(built_site, chromium, page_path):
    page = chromium.new_page()
    violations, errors = [], []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    path, _, query = page_path.partition("?")
    page.goto((built_site / path).as_uri() + ("?" + query if query else ""))
    page.wait_for_timeout(300)
    assert 'http-equiv="Content-Security-Policy"' in (built_site / path).read_text(encoding="utf-8")
    assert violations == [] and errors == []


def test_adding_the_policy_twice_changes_nothing(built_site):
    from kb.site.csp import with_policy
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert with_policy(html) == html


# --- links a browser reads differently from the source, and front matter from names ---------------

# Python-Markdown keeps the line break in the href; browsers delete it and read "javascript:".
LINK_PAYLOADS = ["[点我](java\nscript:alert(20))", "[点我][r]\n\n[r]:\njavascript:alert(21)"]
LINK_FIELDS = [
    (CASE, ("summary",)), (CASE, ("tags", 0)), ("sources/test-book.yaml", ("note",)),
    ("glossary.yaml", ("terms", 0, "definition")), ("regions.yaml", ("regions", 2, "name")),
    ("taxonomy/themes.yaml", ("terms", 0, "name")), ("taxonomy/themes.yaml", ("terms", 0, "definition")),
]
# A name that would add fields to its page's front matter if written there unquoted.
INJECTIONS = {
    ("regions.yaml", ("regions", 2, "name")): "长宁区\ndescription: !!binary PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ("taxonomy/themes.yaml", ("terms", 0, "name")): "基层基础\ntemplate: redirect.html\nlocation: https://evil.example/",
    (CASE, ("tags", 0)): "信访代理\ntemplate: redirect.html\nlocation: javascript:alert(22)",
}


def _poison(content: Path, fields: dict) -> None:
    for (file, path), value in fields.items():
        target = content / file
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
        _set(data, path, value)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def link_poisoned(tmp_path_factory):
    content = tmp_path_factory.mktemp("links") / "content"
    shutil.copytree(FIXTURE, content)
    _poison(content, {field: f"测试{LINK_PAYLOADS[n % 2]}" for n, field in enumerate(LINK_FIELDS)})
    (content / "courses").mkdir()
    course = _poisoned_course()
    course.update(title="课程测试", description="说明" + LINK_PAYLOADS[1])
    module = course["modules"][0]
    module["title"], module["lessons"][0]["title"] = "单元测试", "一课测试"
    module["lessons"][0]["key_points"][0] = "要点" + LINK_PAYLOADS[0]
    (content / "courses" / "poisoned-course.yaml").write_text(
        yaml.safe_dump(course, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return content


def test_validator_reports_links_whose_scheme_a_line_break_splits(link_poisoned):
    _, problems = check(link_poisoned)
    reported = {(p.file.split("content/", 1)[1], p.field) for p in problems if p.message.startswith("链接不能用“javascript:”")}
    assert reported == {(file, _field(path)) for file, path in LINK_FIELDS} | {
        ("courses/poisoned-course.yaml", "description"), ("courses/poisoned-course.yaml", "modules[0].lessons[0].key_points[0]")}


# Every element with a URL attribute whose URL, as the browser itself parses it, is not http(s),
# mailto or (from disk) file.
UNSAFE_URL_ELEMENTS = """() => [...document.querySelectorAll('*')].filter(e =>
  ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data'].some(name => {
    const value = e.getAttribute(name);
    if (value === null) return false;
    try { return !['http:', 'https:', 'mailto:', 'file:'].includes(new URL(value, document.baseURI).protocol); }
    catch (error) { return false; }
  })).map(e => e.outerHTML.slice(0, 120))"""


def _browse(site: Path, chromium) -> tuple[dict, list, list]:
    """Open every page from disk, click every link that stays on the page: what had an unsafe
    URL, the dialogs that fired and the pages that went elsewhere."""
    page = chromium.new_page()
    dialogs, moved, found = [], [], {}
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in sorted(site.rglob("*.html")):
        page.goto(path.as_uri())
        page.wait_for_timeout(30)
        if page.url != path.as_uri():
            moved.append((path.relative_to(site).as_posix(), page.url))
        unsafe = page.evaluate(UNSAFE_URL_ELEMENTS)
        if unsafe:
            found[path.relative_to(site).as_posix()] = unsafe
    return found, dialogs, moved


@pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")
def test_links_whose_scheme_a_line_break_splits_never_reach_a_page(link_poisoned, tmp_path, chromium):
    generate_docs(read_corpus(link_poisoned), tmp_path / "docs", handouts=False)
    run_mkdocs(tmp_path / "docs", tmp_path / "site")
    before = [p for p in (tmp_path / "site").rglob("*.html") if "java\nscript:" in p.read_text(encoding="utf-8")]
    assert len(before) >= 5  # the renderer does make these links; the CSP step must remove them
    protect_site(tmp_path / "site")
    found, dialogs, moved = _browse(tmp_path / "site", chromium)
    assert found == {} and dialogs == [] and moved == []
    case = (tmp_path / "site" / "cases" / "shanghai-changning-daili.html").read_text(encoding="utf-8")
    assert "点我" in case and "href=\"java" not in case  # the text stays, the link goes


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    content = tmp_path_factory.mktemp("front") / "content"
    shutil.copytree(FIXTURE, content)
    _poison(content, INJECTIONS)
    return content


def test_names_with_line_breaks_are_refused_in_chinese(injected):
    _, problems = check(injected)
    one_line = {(p.file.split("content/", 1)[1], p.field) for p in problems if "只能写一行" in p.message}
    assert one_line == {(file, _field(path)) for file, path in INJECTIONS}


@pytest.mark.skipif(not chromium_path(), reason="needs Debian's chromium (make system-deps)")
def test_a_name_cannot_add_front_matter_to_its_page(injected, tmp_path, chromium):
    generate_docs(read_corpus(injected), tmp_path / "docs", handouts=False)
    for page in (tmp_path / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            meta = yaml.safe_load(text.split("---\n", 2)[1])
            assert set(meta) <= {"title", "hide"}, (page, meta)
    run_mkdocs(tmp_path / "docs", tmp_path / "site")
    protect_site(tmp_path / "site")
    site = tmp_path / "site"
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    heads = {rel: re.sub(r"<title>.*?</title>", "", html.split("<body", 1)[0], flags=re.S) for rel, html in pages.items()}
    assert not [rel for rel, head in heads.items() if "evil.example" in head or "alert(" in head or 'http-equiv="refresh"' in head]
    assert "template: redirect.html" in pages["themes/jiceng-jichu.html"].split("</title>")[0]
    found, dialogs, moved = _browse(site, chromium)
    assert found == {} and dialogs == [] and moved == []


def test_the_policy_trusts_no_theme_script_the_site_does_not_use():
    from kb.site.csp import THEME_SCRIPT_TEMPLATES, theme_scripts
    redirect = 'window.location.replace(["https://evil.example/",window.location.search,window.location.hash].join(""))'
    assert "redirect.html" not in THEME_SCRIPT_TEMPLATES
    assert not any(p.fullmatch(redirect) for p in theme_scripts())


def test_every_inline_script_of_the_shipped_site_is_one_the_policy_allows(built_site):
    from kb.site.csp import _INLINE_SCRIPT, _DATA_TYPE, theme_scripts
    for page in built_site.rglob("*.html"):
        for match in _INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
            if not _DATA_TYPE.search(match.group(1)):
                assert any(p.fullmatch(match.group(2)) for p in theme_scripts()), (page, match.group(2)[:80])
