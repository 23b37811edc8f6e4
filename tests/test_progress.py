"""Long runs show their progress on a terminal, stage by stage, and stay quiet elsewhere."""
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "content"
KB = str(Path(sys.executable).with_name("kb"))


def run_in_terminal(args: list[str], cwd: Path) -> str:
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, cwd=cwd, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process has closed the terminal
            break
        if not chunk:
            break
        out += chunk
    assert process.wait() == 0, out.decode("utf-8", "replace")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode("utf-8", "replace"))


def test_a_build_on_a_terminal_shows_a_bar_per_stage_with_its_count(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "content")
    shown = run_in_terminal([KB, "--content", "content", "--build-dir", "build", "build"], tmp_path)
    assert re.search(r"生成页面 ━+ 2/2", shown), shown          # one unit per case
    pages = sum(1 for _ in (tmp_path / "build" / "docs").rglob("*.md"))
    assert re.search(rf"MkDocs ━+ {2 * pages}/{2 * pages}", shown), shown  # each page read, then written
    assert "✓ 校验（2 个）" in shown and "用时：" in shown.splitlines()[-1]


def test_a_build_elsewhere_prints_only_its_result_and_the_final_line(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "content")
    done = subprocess.run([KB, "--content", "content", "--build-dir", "build", "build"], cwd=tmp_path,
                          capture_output=True, text=True, check=True)
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("网站已生成") and lines[1].startswith("用时："), lines
    assert "━" not in done.stdout + done.stderr
