"""A case page's 修改记录 and 审核: from one `git log` over content/, nothing without git or for an
untracked file, and part of what an incremental build compares."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kb.content import history
from kb.content.corpus import read_corpus
from kb.site.render import build_site_model, render_case_pages

CASE = "content/cases/shanghai/shanghai-changning-daili.yaml"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str, date: str = "2026-11-02T10:00:00") -> None:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "编辑", "GIT_AUTHOR_EMAIL": "e@example.org",
           "GIT_COMMITTER_NAME": "编辑", "GIT_COMMITTER_EMAIL": "e@example.org", "PATH": "/usr/bin:/bin",
           "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture
def project(fixture_copy: Path) -> Path:
    return fixture_copy.parent


def page_of(content: Path, case_id: str = "shanghai-changning-daili") -> str:
    site = build_site_model(read_corpus(content))
    return render_case_pages(site, site.cases)[f"cases/{case_id}.md"]


@needs_git
def test_each_commit_touching_the_file_is_listed_newest_first(project):
    git(project, "init", "-q")
    git(project, "add", "content")
    git(project, "commit", "-qm", "收录长宁区的两个案例", date="2026-11-02T10:00:00")
    path = project / CASE
    path.write_text(path.read_text(encoding="utf-8").replace("测试区信访代理工作室网络", "测试区信访代理工作室"), encoding="utf-8")
    git(project, "commit", "-qam", "核对标题", date="2026-12-01T09:00:00")
    found = history.content_history(project / "content")
    assert found[CASE] == [("2026-12-01", "核对标题"), ("2026-11-02", "收录长宁区的两个案例")]
    assert found["content/cases/shanghai/shanghai-changning-jiangsulu-gongzuoshi.yaml"] == [("2026-11-02", "收录长宁区的两个案例")]
    page = page_of(project / "content")
    assert "修改记录" in page and page.index("2026-12-01　核对标题") < page.index("2026-11-02　收录长宁区的两个案例")


@needs_git
def test_an_untracked_file_and_a_folder_outside_git_have_no_change_log(project):
    assert history.content_history(project / "content") == {}
    assert "修改记录" not in page_of(project / "content")
    git(project, "init", "-q")
    git(project, "add", "content/regions.yaml")
    git(project, "commit", "-qm", "地区")
    assert CASE not in history.content_history(project / "content")
    assert "修改记录" not in page_of(project / "content")


def test_without_git_there_is_no_change_log(project, monkeypatch):
    monkeypatch.setattr(history.shutil, "which", lambda name: None)
    assert history.content_history(project / "content") == {}


def test_the_log_is_read_per_file_from_one_output():
    output = ("\x1e2026-12-01\t核对标题\n\ncases/a/x.yaml\ncases/a/y.yaml\n"
              "\x1e2026-11-02\t收录\n\ncases/a/x.yaml\n")
    assert history.parse_log(output) == {"content/cases/a/x.yaml": [("2026-12-01", "核对标题"), ("2026-11-02", "收录")],
                                         "content/cases/a/y.yaml": [("2026-12-01", "核对标题")]}


def test_the_reviewer_is_shown_when_recorded(project):
    path = project / CASE
    path.write_text(path.read_text(encoding="utf-8").replace("status: published",
                                                             'status: published\nreviewed_by: 张审核\nreviewed_on: "2026-12-04"'),
                    encoding="utf-8")
    assert "审核：张审核，2026-12-04" in page_of(project / "content")
    assert "审核：" not in page_of(project / "content", "shanghai-changning-jiangsulu-gongzuoshi")


def test_a_new_commit_changes_the_pages_inputs_for_an_incremental_build(project):
    from kb.build.incremental import case_digests, case_inputs, shared_digest

    corpus = read_corpus(project / "content")
    digests = case_digests(corpus)

    def inputs(log):
        site = build_site_model(corpus, history=log)
        return case_inputs(site, digests, shared_digest(site))
    before, after = inputs({}), inputs({CASE: [("2026-12-01", "核对标题")]})
    assert before["shanghai-changning-daili"] != after["shanghai-changning-daili"]
    assert before["shanghai-changning-jiangsulu-gongzuoshi"] == after["shanghai-changning-jiangsulu-gongzuoshi"]
