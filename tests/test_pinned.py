"""The pinned corpus (conftest): the engine and page tests see only the listed files, so a case an
editor adds to content/ never reaches them; a listed file that has gone is named, not skipped."""
import shutil

import pytest
from click.testing import CliRunner

from conftest import (LIVE_CONTENT, NEW_CASE_FILE, PINNED_CONTENT, PinnedFileMissing, pin_content, pinned_paths,
                      with_new_case, without_region)
from kb.cli import main


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_pinned_corpus_holds_exactly_the_listed_files_as_they_are_in_content():
    assert files_under(PINNED_CONTENT) == sorted(pinned_paths())
    for path in pinned_paths():
        assert (PINNED_CONTENT / path).read_bytes() == (LIVE_CONTENT / path).read_bytes(), path


def test_a_case_added_to_content_is_left_out_of_the_pinned_corpus(tmp_path):
    content = with_new_case(shutil.copytree(LIVE_CONTENT, tmp_path / "content"))
    pinned = pin_content(content, tmp_path / "pinned")
    assert (content / NEW_CASE_FILE).is_file() and not (pinned / NEW_CASE_FILE).exists()
    assert files_under(pinned) == sorted(pinned_paths())


def test_a_listed_file_missing_from_content_is_named_with_the_list(tmp_path):
    listed = tmp_path / "pinned.txt"
    listed.write_text("# a comment\nregions.yaml\n\ncases/shanghai/shanghai-gone.yaml\n", encoding="utf-8")
    with pytest.raises(PinnedFileMissing) as missing:
        pin_content(LIVE_CONTENT, tmp_path / "pinned", listed)
    message = str(missing.value)
    assert str(listed) in message and "cases/shanghai/shanghai-gone.yaml" in message and "regions.yaml" not in message
    assert not (tmp_path / "pinned").exists()  # nothing half-copied


def test_a_region_added_with_kb_new_region_is_taken_out_again_for_the_tests_that_add_it(content_copy):
    regions = without_region(content_copy, "华阳路街道") / "regions.yaml"  # (if content/ has it already)
    before = regions.read_text(encoding="utf-8")
    assert "华阳路街道" not in before
    assert CliRunner().invoke(main, ["--content", str(content_copy), "new", "region", "华阳路街道"]).exit_code == 0
    assert "华阳路街道" in regions.read_text(encoding="utf-8")
    without_region(content_copy, "华阳路街道")
    assert regions.read_text(encoding="utf-8") == before
