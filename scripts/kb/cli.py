"""The `kb` command: a thin layer over the pipeline stages."""
from __future__ import annotations

import errno
import sys
from pathlib import Path

import click

from .core.project import find_project


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if problems:
        click.echo(f"共 {errors} 个错误，{warnings} 个提醒。", err=True)


@click.group(help="信访工作经验库：校验、建索引、检索、生成网站。")
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="内容目录（默认为项目的 content/；项目是当前文件夹或其上级中最近的有 mkdocs.yml 的文件夹）。")
@click.option("--build-dir", "build_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="输出目录（默认为项目的 build/）。")
@click.pass_context
def main(ctx: click.Context, content_dir: Path | None, build_dir: Path | None) -> None:
    project = find_project(Path.cwd())
    if project is None and (content_dir is None or build_dir is None) and ctx.invoked_subcommand:
        click.echo("找不到项目：当前文件夹及其上级文件夹中都没有 mkdocs.yml。请先 cd 到项目文件夹"
                   "（含 content/ 和 mkdocs.yml 的那个），或用 --content、--build-dir 指明。", err=True)
        sys.exit(2)
    ctx.obj = {"content": content_dir or project.content, "build": build_dir or project.build,
               "config": project.config if project else None}


@main.command(help="检查全部内容文件（格式、必填字段、交叉引用、个人信息、照抄原文、成效期间、待填写的占位、站内链接），"
                   "一次列出所有问题。草稿和待审条目的问题列为提醒：它们暂不进入网站，不妨碍其余内容。")
@click.option("--report", is_flag=True, help="另外逐案例列出编者分析（资料未作此表述的经验启示和推广条件）。")
@click.pass_context
def validate(ctx: click.Context, report: bool) -> None:
    from .content.validate import check, has_errors
    from .content.lifecycle import publishable

    from .content.doccache import DOCUMENT_CACHE

    corpus, problems = check(ctx.obj["content"], ctx.obj["build"] / DOCUMENT_CACHE)
    shown = publishable(corpus, problems, editors=True)
    held_files = {h.file for h in shown.held}
    _print_problems([p for p in shown.problems if p.file not in held_files])
    _print_held(shown.held)
    if report:
        from .content.provenance import editor_report

        click.echo(editor_report(corpus))
    if has_errors(shown.problems):
        sys.exit(1)
    waiting = f"，{len(shown.held)} 个草稿暂不进入网站（见上面的提醒）" if shown.held else ""
    click.echo(f"检查通过：{len(corpus.cases)} 个案例，{len(corpus.sources)} 个资料来源{waiting}。")


def _print_held(held) -> None:
    """The problems of drafts and review entries, under each file's name: they wait, they do not block."""
    for entry in held:
        if not entry.problems:
            continue
        click.echo(f"\n{entry.label} {entry.file}（{len(entry.problems)} 个问题；改好之前不进入网站，其余内容照常生成）：", err=True)
        for problem in entry.problems:
            click.echo("  " + problem.format(), err=True)


def _config(ctx: click.Context) -> dict:
    """The found project's mkdocs.yml, when there is one (otherwise the package's own)."""
    return {"config_file": ctx.obj["config"]} if ctx.obj.get("config") else {}


def _fail(found) -> None:
    _print_problems(found.problems)
    sys.exit(1)


@main.command(help="校验内容并生成网站到 build/site（MkDocs 严格模式；失败时保留上一次的网站）。"
                   "只重新生成改动涉及的页面；--clean 完整重建。有问题的草稿和待审条目不进入网站，其余照常生成。")
@click.option("--clean", is_flag=True, help="不沿用上一次生成的结果，全部重建。")
@click.option("--editors", is_flag=True, help="编辑版：待审（review）条目也进入网站，供审核人阅读。")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="生成网站的程序（两者读同一个 mkdocs.yml）。")
@click.pass_context
def build(ctx: click.Context, clean: bool, editors: bool, engine: str) -> None:
    from .build.pipeline import Stages
    from .core.problems import ProblemsFound
    from .build.builder import build_site

    stages, held = Stages(), []
    try:
        site = build_site(ctx.obj["content"], ctx.obj["build"], stages=stages, incremental=not clean, engine=engine,
                          editors=editors, held=held, **_config(ctx))
    except ProblemsFound as found:
        click.echo("生成失败，build/site 保持原样。", err=True)
        _fail(found)
    click.echo(f"网站已生成：{site}/index.html" + ("（编辑版，含待审条目）" if editors else ""))
    left_out = [h for h in held if h.problems]
    if left_out:
        click.echo(f"未进入网站的草稿 {len(left_out)} 个（问题见 kb validate 或编辑工作台）：" +
                   "、".join(h.file for h in left_out), err=True)
    waiting = [h for h in held if not h.problems]
    if waiting:
        click.echo(f"待审条目 {len(waiting)} 个未进入读者版网站（kb review 列出，kb build --editors 生成编辑版）。")
    click.echo(stages.summary())


@main.command(name="index", help="为全部案例建立全文检索索引（build/index）。")
@click.pass_context
def index_command(ctx: click.Context) -> None:
    from .search.index import build_index
    from .core.problems import ProblemsFound
    from .build.builder import valid_corpus

    try:
        corpus = valid_corpus(ctx.obj["content"])
    except ProblemsFound as found:
        _fail(found)
    count = build_index(corpus, ctx.obj["build"] / "index")
    click.echo(f"索引已建立：{count} 个案例。")


def _resolve(value: str, table: dict[str, dict], name_key: str = "name") -> str:
    """Accept an id or a Chinese name (or alias) for a filter value."""
    if value in table:
        return value
    for ident, item in table.items():
        if value == item.get(name_key) or value in item.get("aliases", []):
            return ident
    raise click.BadParameter(f"找不到“{value}”")


@main.command(help="检索案例：可以直接输入短语或问题，同义说法一并查找；包含全部要点的案例排在前面；用引号括起的短语按原样匹配。")
@click.argument("words", nargs=-1, required=True)
@click.option("--type", "types", multiple=True, help="做法类型（编号或名称，可重复）。")
@click.option("--region", "regions", multiple=True, help="地区（编号或名称，含下级地区）。")
@click.option("--theme", "themes", multiple=True, help="主题（编号或名称）。")
@click.option("--level", help="实施层级，如 county、township。")
@click.option("--since", type=int, help="开始年份不早于（只看开始年份；开始年份不详的案例不计入）。")
@click.option("--until", type=int, help="开始年份不晚于（只看开始年份；开始年份不详的案例不计入）。")
@click.option("--published-only", is_flag=True, help="不含草稿。")
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--facets", "show_facets", is_flag=True, help="同时列出按类型、地区、层级、主题、年份的计数。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（total、hits、facets），便于脚本使用。")
@click.pass_context
def search(ctx, words, types, regions, themes, level, since, until, published_only, limit, show_facets, as_json) -> None:
    import json as json_module
    from dataclasses import asdict

    from .core.problems import terminal_safe

    def echo(text: str = "", **options) -> None:  # an index built before load refused control characters may hold some
        click.echo(terminal_safe(text), **options)

    from .content.corpus import read_corpus
    from .search.index import Filters, Searcher
    from .content.schemas import labels

    corpus = read_corpus(ctx.obj["content"], entries=False)
    filters = Filters(
        types=[_resolve(t, corpus.taxonomy("practice_type")) for t in types],
        regions=[_resolve(r, corpus.region_map()) for r in regions],
        themes=[_resolve(t, corpus.taxonomy("theme")) for t in themes],
        level=level, since=since, until=until, include_drafts=not published_only)
    try:
        searcher = Searcher(ctx.obj["build"] / "index")
    except FileNotFoundError as err:
        echo(str(err), err=True)
        sys.exit(1)
    query = " ".join(words)
    result = searcher.run(query, filters)
    ranked = result.ranked
    hits, facets, total = searcher.hits(result, limit), searcher.facet_counts(ranked), len(ranked)
    suggested = [] if ranked else searcher.suggestions(query)
    separately = result.separately()
    searcher.close()
    if as_json:
        echo(json_module.dumps({"total": total, "hits": [asdict(h) for h in hits], "facets": facets,
                                      "query": result.explanation(), "suggestions": suggested,
                                      "separately": [{"text": t, "cases": n} for t, n in separately]},
                                     ensure_ascii=False, indent=2))
        return
    understood = _understood(result.explanation())
    if understood:
        echo(understood)
    if not hits:
        echo("没有找到匹配的案例。" + ("这些词几乎每个案例都有，请写出具体的做法、问题、人群或地区。"
                                         if not result.explanation()["concepts"] and result.query["generic"] else ""))
        if separately:
            echo("没有案例同时含有这些要点。可以分别检索：" + "、".join(f"“{t}”（{n} 个案例）" for t, n in separately))
        if suggested:
            echo("可以试试：" + "、".join(suggested))
        echo("也可以在网站上按做法类型、地区或术语表浏览（build/site/types/index.html、regions.html、glossary.html）。")
        return
    echo(f"共 {total} 个案例{'，显示前 ' + str(len(hits)) + ' 个' if total > len(hits) else ''}：\n")
    for n, hit in enumerate(hits, 1):
        draft = "［草稿］" if hit.status == "draft" else ""
        notes = ([f"部分匹配：未含{'、'.join(f'“{m}”' for m in hit.missing)}"] if hit.missing else []) + \
            [f"按“{m.split('→')[1]}”匹配（{m.split('→')[0]}）" for m in hit.matched]
        when = (f"{hit.start_year} 年起" if hit.start_year else
                f"{hit.reported_year} 年报道（开始年份不详）" if hit.reported_year else "年份不详")
        echo(f"{n}. {hit.title}{draft}\n   {hit.place} · {hit.types} · {when}\n   {hit.snippet}"
                   + (f"\n   {'；'.join(notes)}" if notes else "") + "\n")
    if show_facets:
        names = {"types": {k: v["name"] for k, v in corpus.taxonomy("practice_type").items()},
                 "regions": {k: v["name"] for k, v in corpus.region_map().items()},
                 "themes": {k: v["name"] for k, v in corpus.taxonomy("theme").items()},
                 "level": labels("case", "locality", "level"), "start_year": {"unknown": "不详"}}
        for key, label in (("types", "类型"), ("regions", "地区"), ("level", "层级"), ("themes", "主题"),
                           ("start_year", "开始年份"), ("reported_year", "报道年份")):
            counts = "  ".join(f"{names.get(key, {}).get(k, k)}({n})" for k, n in facets[key].items())
            echo(f"{label}：{counts}")


def _understood(explained: dict) -> str:
    """One line saying how the query was read: its concepts, region, and what was left out."""
    parts = []
    words = [c for c in explained["concepts"] if c not in explained["regions"]]
    if words:
        parts.append("检索词：" + "、".join(words))
    if explained["regions"]:
        parts.append("地区：" + "、".join(explained["regions"]) + "（该地区的案例排在前面）")
    if explained["unquoted"]:
        parts.append("没有案例含有与" + "、".join(f"“{w}”" for w in explained["unquoted"]) + "完全一致的说法，已按其中的词检索")
    if explained["absent"]:
        parts.append("库中没有" + "、".join(f"“{w}”" for w in explained["absent"]))
    if explained["generic"]:
        parts.append("太泛而未用作检索条件：" + "、".join(f"“{w}”" for w in explained["generic"]))
    return "；".join(parts)


def _write_new(target: Path, text: str, then: str) -> None:
    if target.exists():
        click.echo(f"文件已存在，未覆盖：{target}", err=True)
        sys.exit(1)
    _write(target, text)
    click.echo(f"已生成：{target}\n{then}")


def _write(target: Path, text: str) -> None:
    """Write a content file atomically; a failure is reported in Chinese (exit 1), not as a traceback."""
    from .core.atomic import WriteFailed, write_file

    try:
        write_file(target, text)
    except WriteFailed as err:
        click.echo(str(err), err=True)
        sys.exit(1)


def _skeleton(make, *args) -> tuple[str, str]:
    """(path, text) from a scaffold function; a name no file can be named after exits with its message."""
    from .content.scaffold import BadName

    try:
        return make(*args)
    except BadName as err:
        click.echo(str(err), err=True)
        sys.exit(1)


_FILL_IN = "打开它填写内容（空着的项 kb validate 会一一列出），然后运行 kb validate。"


@main.group(invoke_without_command=True,
            help="生成新条目的骨架：kb new case / source / region / course（kb new --region … --name … 等于 kb new case）。")
@click.option("--region", help="（同 kb new case）地区编号或名称。")
@click.option("--name", help="（同 kb new case）做法名称。")
@click.pass_context
def new(ctx: click.Context, region: str | None, name: str | None) -> None:
    if ctx.invoked_subcommand:
        return
    if not (region or name):
        click.echo(ctx.get_help())
        return
    if not (region and name):
        click.echo("新案例要同时写地区和做法名称：kb new case --region 地区 --name 做法名称", err=True)
        sys.exit(2)
    ctx.invoke(new_case, region=region, name=name)


@new.command(name="case", help="新案例：kb new case --region 地区 --name 做法名称（文件放在所在省的文件夹）。")
@click.option("--region", required=True, help="地区编号或名称（须在 content/regions.yaml 中；没有就先 kb new region）。")
@click.option("--name", required=True, help="做法名称，如 有信访我代理。")
@click.pass_context
def new_case(ctx: click.Context, region: str, name: str) -> None:
    from .content.corpus import read_corpus
    from .content.scaffold import scaffold

    content_dir = ctx.obj["content"]
    corpus = read_corpus(content_dir, entries=False)
    regions = corpus.region_map()
    from .content.hints import id_for_name, suggestion

    region_id = region if region in regions else id_for_name(region, regions)
    if region_id is None:
        hint = suggestion(region, regions)
        click.echo(f"地区名录 content/regions.yaml 中没有“{region}”。{hint + ' ' if hint else ''}"
                   f"新地区请先添加：kb new region {region}", err=True)
        sys.exit(1)
    rel, text = _skeleton(scaffold, corpus, region_id, name)
    _write_new(content_dir / rel, text, _FILL_IN)
    from .site.editors import similar_titles

    new_id = Path(rel).stem
    similar = similar_titles(name, {k: c for k, c in read_corpus(content_dir).case_map().items() if k != new_id})
    if similar:
        click.echo("已有相似的案例，先看看是不是同一个做法（是就合并，是其中一部分就写 part_of）：")
        for ident, title in similar:
            click.echo(f"  {ident}  {title}")


@new.command(name="source", help="新资料来源：kb new source --kind book|article|web --title 题名 [--id 编号]。")
@click.option("--kind", type=click.Choice(["book", "article", "web"]), required=True,
              help="book 图书（含内部汇编），article 报刊文章，web 网页。")
@click.option("--title", required=True, help="资料的正式题名。")
@click.option("--id", "ident", help="资料编号（默认为题名的拼音）。")
@click.pass_context
def new_source(ctx: click.Context, kind: str, title: str, ident: str | None) -> None:
    from .content.scaffold import source_skeleton

    rel, text = _skeleton(source_skeleton, kind, title, ident)
    _write_new(ctx.obj["content"] / rel, text, _FILL_IN)


@new.command(name="course", help="新培训课程：kb new course --title 课程名称 [--id 编号]。")
@click.option("--title", required=True, help="课程名称，如 新任信访代理员入门。")
@click.option("--id", "ident", help="课程编号（默认为名称的拼音）。")
@click.pass_context
def new_course(ctx: click.Context, title: str, ident: str | None) -> None:
    from .content.scaffold import course_skeleton

    rel, text = _skeleton(course_skeleton, title, ident)
    _write_new(ctx.obj["content"] / rel, text, _FILL_IN)


@new.command(name="region", help="新地区：kb new region 名称 [--parent 上级]，按民政部区划数据填区划代码和上级，"
                                  "缺少的上级一并加入 content/regions.yaml。")
@click.argument("name")
@click.option("--parent", "within", multiple=True, help="上级地区的名称、编号或区划代码（重名时用，可重复）。")
@click.pass_context
def new_region(ctx: click.Context, name: str, within: tuple[str, ...]) -> None:
    from .content.corpus import read_corpus
    from .content.scaffold import RegionNotFound, insert_regions, region_entries, region_line

    content_dir = ctx.obj["content"]
    corpus = read_corpus(content_dir, entries=False)
    try:
        entries, region_id = region_entries(corpus, name, within)
    except RegionNotFound as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    if not entries:
        click.echo(f"“{name}”已在地区名录中：{region_id}")
        return
    path = content_dir / "regions.yaml"
    _write(path, insert_regions(corpus, path.read_text(encoding="utf-8"), entries))
    click.echo(f"已加入 {path}：\n" + "\n".join(region_line(e) for e in entries) +
               f"\n案例中写 region: {region_id}，或运行 kb new case --region {region_id} --name 做法名称。"
               "\n编号按拼音生成，遇到多音字（如地名中的“长”“行”）请核对，需要时在 regions.yaml 中改正（尚无案例引用时改动不影响别处）。")


@main.command(help="审核：列出待审和草稿条目（各自的问题和完成度）；--submit 编号 把草稿送审，"
                   "--publish 编号 --by 姓名 审核通过并发布（写入审核人和日期）。")
@click.option("--submit", "submit_id", metavar="编号", help="把这个草稿送审（status 改为 review）；有错误时不送审。")
@click.option("--publish", "publish_id", metavar="编号", help="审核通过并发布这个待审条目（status 改为 published）。")
@click.option("--by", "reviewer", metavar="姓名", help="审核人姓名（与 --publish 一起用）。")
@click.option("--on", "reviewed_on", metavar="日期", help="审核日期，如 2026-12-04（默认今天）。")
@click.pass_context
def review(ctx: click.Context, submit_id: str | None, publish_id: str | None, reviewer: str | None,
           reviewed_on: str | None) -> None:
    import datetime

    from .content.lifecycle import STATUS_LABELS
    from .content.review import ReviewRefused, rewrite, set_status
    from .content.rules import placeholder_problems
    from .core.atomic import WriteFailed
    from .content.validate import check
    from .core.problems import ProblemsFound

    content_dir = ctx.obj["content"]
    corpus, problems = check(content_dir)
    docs = {d.data.get("id"): d for d in corpus.cases if isinstance(d.data, dict)}
    by_file: dict[str, list] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    target = submit_id or publish_id
    if target is None:
        web = {i for i, s in corpus.source_map().items() if s.get("kind") == "web"}
        _list_waiting([d for d in docs.values() if d.data.get("status") in ("review", "draft")], by_file, web)
        return
    if submit_id and publish_id:
        click.echo("--submit 和 --publish 一次只用一个。", err=True)
        sys.exit(2)
    doc = docs.get(target)
    if doc is None:
        click.echo(f"没有编号为“{target}”的案例（kb review 列出待审和草稿条目）。", err=True)
        sys.exit(1)
    status = doc.data.get("status")
    errors = [p for p in by_file.get(doc.file, []) if p.severity == "error"]
    errors += [p for p in placeholder_problems(doc, "review") if p.severity == "error" and p not in errors]
    if errors:
        click.echo(f"{doc.file} 还有 {len(errors)} 个问题，改好后才能{'送审' if submit_id else '发布'}：", err=True)
        _fail(ProblemsFound(errors))
    if submit_id and status != "draft":
        click.echo(f"“{target}”现在是{STATUS_LABELS.get(status, status)}，只有草稿可以送审。", err=True)
        sys.exit(1)
    if publish_id:
        if status != "review":
            click.echo(f"“{target}”现在是{STATUS_LABELS.get(status, status)}：先 kb review --submit {target} 送审，"
                       "再由审核人发布。", err=True)
            sys.exit(1)
        if not reviewer or len(reviewer.strip()) < 2:
            click.echo("发布要写审核人：kb review --publish 编号 --by 姓名", err=True)
            sys.exit(2)
        try:
            reviewed_on = (datetime.date.fromisoformat(reviewed_on) if reviewed_on else datetime.date.today()).isoformat()
        except ValueError:
            click.echo(f"审核日期“{reviewed_on}”应写成 2026-12-04 这样。", err=True)
            sys.exit(2)
    path = content_dir.parent / doc.file
    try:
        text = set_status(path.read_text(encoding="utf-8-sig"), "review" if submit_id else "published",
                          reviewer if publish_id else None, reviewed_on if publish_id else None)
        rewrite(path, doc.file, text)
    except (ReviewRefused, WriteFailed) as err:
        click.echo(f"{doc.file}：{err}", err=True)
        sys.exit(1)
    except ProblemsFound as found:
        _fail(found)
    if submit_id:
        click.echo(f"已送审：{doc.file}（状态改为待审 review）。审核人用 kb build --editors 生成编辑版网站阅读，"
                   f"通过后运行 kb review --publish {target} --by 姓名。")
    else:
        click.echo(f"已发布：{doc.file}（审核：{reviewer.strip()}，{reviewed_on}）。运行 kb build 更新网站。")


def _list_waiting(docs, by_file: dict, web: set) -> None:
    from .content.lifecycle import STATUS_LABELS
    from .site.editors import completeness

    if not docs:
        click.echo("没有待审或草稿条目。")
        return
    for status in ("review", "draft"):
        entries = sorted((d for d in docs if d.data.get("status") == status), key=lambda d: d.file)
        if not entries:
            continue
        click.echo(f"{STATUS_LABELS[status]}（{len(entries)} 个）：")
        for doc in entries:
            score, missing = completeness(doc.data, web)
            found = by_file.get(doc.file, [])
            errors = [p for p in found if p.severity == "error"]
            state = f"{len(errors)} 个问题，改好前不进入网站" if errors else "无错误"
            click.echo(f"  {doc.data.get('id')}  {doc.data.get('title', '')}\n    {doc.file}  完成度 {score}%  {state}")
            if missing:
                click.echo("    还缺：" + "、".join(missing))
            for problem in errors:
                click.echo("    " + problem.format())
        click.echo("")
    click.echo("送审：kb review --submit 编号；审核通过并发布：kb review --publish 编号 --by 姓名")


@main.command(help="本地预览网站（http://127.0.0.1:8000），修改 content/ 中的文件后页面自动刷新。")
@click.option("--address", default="127.0.0.1:8000", show_default=True, help="监听地址。")
@click.pass_context
def serve(ctx: click.Context, address: str) -> None:
    from .preview import server as preview
    from .core.problems import ProblemsFound
    from .build.builder import CONFIG_FILE
    from .preview.live import preview_docs, serve as serve_site

    def refused(problems):
        _print_problems(problems)
        click.echo(preview.refused_line(problems), err=True)
        preview.show_problems(problems)

    def synced(changed, seconds):
        click.echo(preview.rebuilt_line(changed, seconds))
        preview.clear_problems()

    def quick(changed, seconds):
        click.echo(preview.quick_line(changed, seconds))

    shown_held: list = []

    def held(entries):
        preview.show_held(entries)
        waiting = [(h.file, len(h.problems)) for h in entries if h.problems]
        if waiting != shown_held:
            shown_held[:] = waiting
            for file, count in waiting:
                click.echo(f"  {file}：草稿有 {count} 个问题，暂不进入网站（浏览器右下角列出；其余页面照常更新）")

    config_file = ctx.obj.get("config") or CONFIG_FILE
    docs_dir = preview_docs(ctx.obj["build"])
    if preview.port_is_busy(address):
        click.echo(preview.busy_port_line(address), err=True)
        sys.exit(1)
    preview.watch_content(ctx.obj["content"])
    preview.start_quick_checks(ctx.obj["content"])
    click.echo(preview.address_line(address))
    try:
        serve_site(ctx.obj["content"], ctx.obj["build"], config_file=config_file, address=address,
                   on_problems=refused, on_synced=synced, mkdocs_options=preview.mkdocs_options(config_file, docs_dir),
                   before_write=preview.pages_written, on_quick=quick, wait_for_build=preview.wait_for_build,
                   after_write=preview.request_build, convert_now=preview.convert_now, on_held=held)
    except ProblemsFound as found:
        click.echo("内容有错误，预览没有启动：先按下面的提示改好，再运行 kb serve（改好后预览会一直跟着你的修改更新）。", err=True)
        _fail(found)
    except OSError as err:  # taken between the check above and MkDocs listening
        if err.errno != errno.EADDRINUSE:
            raise
        click.echo(preview.busy_port_line(address), err=True)
        sys.exit(1)


@main.command(help="生成课程的打印版 PDF（学员讲义和含答案的培训师版）：kb handout 课程编号…（不写则全部）。")
@click.argument("courses", nargs=-1)
@click.pass_context
def handout(ctx: click.Context, courses: tuple[str, ...]) -> None:
    from .site.handout import make_handouts
    from .core.problems import ProblemsFound
    from .build.builder import valid_corpus

    try:
        corpus = valid_corpus(ctx.obj["content"])
    except ProblemsFound as found:
        _fail(found)
    known = {d.data["id"] for d in corpus.courses}
    unknown = [c for c in courses if c not in known]
    if unknown:
        click.echo(f"没有这门课程：{'、'.join(unknown)}（可用：{'、'.join(sorted(known))}）", err=True)
        sys.exit(1)
    try:
        written = make_handouts(corpus, ctx.obj["build"] / "handouts", list(courses) or None)
    except RuntimeError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"已生成：{path}")


@main.command(help="把生成的网站打包成 zip（离线版，可拷到 U 盘，解压后直接打开 index.html）。")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="zip 文件路径（默认 build/xinfang-kb-offline.zip）。")
@click.pass_context
def package(ctx: click.Context, output: Path | None) -> None:
    from .build.builder import package_site

    build_dir = ctx.obj["build"]
    try:
        path = package_site(build_dir / "site", output or build_dir / "xinfang-kb-offline.zip")
    except FileNotFoundError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    click.echo(f"离线版已打包：{path}（{path.stat().st_size / 1e6:.1f} MB）")


@main.command(name="import", help="导入 Word 经验材料（.docx，生成草稿案例）或 Excel 案例表（.xlsx，由 kb export 导出后填写）。")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--region", help="（.docx）地区编号或名称，文档中认不出地区时用。")
@click.option("--source", help="（.docx）把草稿挂到已有的资料条目（content/sources 中的资料或篇目编号），不新建资料条目。")
@click.pass_context
def import_command(ctx: click.Context, file: Path, region: str | None, source: str | None) -> None:
    from .office.commands import import_file

    sys.exit(import_file(ctx.obj["content"], file, region, source))


@main.command(help="把全部案例导出为 Excel 表（案例、措施、成效等各一张表，带下拉选项和说明），可填写后用 kb import 导回。")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def export(ctx: click.Context, file: Path) -> None:
    from .office.commands import export_file

    sys.exit(export_file(ctx.obj["content"], file))
