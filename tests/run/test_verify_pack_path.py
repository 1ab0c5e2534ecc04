"""A pack file kept outside ``params/`` and outside the project (``reportlib render ../pack.yaml``)
publishes a report that ``verify`` can check: the manifest records where the pack file is, and
verify reads it from there, or says it has moved or changed."""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile

import pytest
from conftest import SAMPLE_AS_OF, SAMPLE_PACK, build_sample_repo, write_pack

from reportlib.run import verify
from reportlib.run.packs import load_pack
from reportlib.run.verify import VerifyError, verify_report


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _outside_pack(tmp_path, monkeypatch):
    """The sample project with its pack file moved beside the project, run from the project folder."""
    root = tmp_path / "proj"
    inside = build_sample_repo(root)
    outside = tmp_path / "outside-pack.yaml"
    shutil.move(inside, outside)
    monkeypatch.chdir(root)
    return root, outside


def test_a_pack_file_outside_the_project_is_recorded_by_its_absolute_path(tmp_path, monkeypatch):
    root, outside = _outside_pack(tmp_path, monkeypatch)
    pack = load_pack(outside)
    assert pack.root == root.resolve()
    assert pack.recorded_path() == outside.resolve().as_posix()


def test_a_pack_file_in_params_is_recorded_relative_to_the_project_as_before(tmp_path):
    root = tmp_path / "proj"
    pack = load_pack(build_sample_repo(root))
    assert pack.recorded_path() == f"params/{SAMPLE_PACK}.yaml"
    other = write_pack(root, name="second")
    moved = root / "packs" / "second.yaml"  # inside the project, outside params/: relative still
    moved.parent.mkdir()
    shutil.move(other, moved)
    assert load_pack(moved, root=root).recorded_path() == "packs/second.yaml"


def _fake_report(root, pack_path: str, sha: str):
    folder = root / "reports" / "p" / SAMPLE_AS_OF
    folder.mkdir(parents=True)
    manifest = {"pack": "p", "as_of": SAMPLE_AS_OF, "pack_file": {"path": pack_path, "sha256": sha},
                "inputs": [], "notebooks": [], "outputs": [], "generated_at": "2010-08-01T09:30:00Z",
                "rendered_by": {"engine": "process", "scheduler": None, "worker": "host:pid123"}}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder


def test_verify_finds_a_pack_file_recorded_by_its_absolute_path(tmp_path, monkeypatch):
    root, outside = _outside_pack(tmp_path, monkeypatch)
    folder = _fake_report(root, outside.resolve().as_posix(), _sha(outside))
    manifest = verify._read_manifest(folder)
    assert verify._project_root(folder, manifest, None) == root.resolve()
    result = verify.Verification(folder)
    verify._check_inputs(manifest, root.resolve(), result)
    assert result.differences == [] and outside.resolve().as_posix() in result.inputs


def test_verify_says_a_pack_file_recorded_by_its_absolute_path_has_changed(tmp_path, monkeypatch):
    root, outside = _outside_pack(tmp_path, monkeypatch)
    folder = _fake_report(root, outside.resolve().as_posix(), _sha(outside))
    outside.write_text(outside.read_text() + "# edited\n")
    manifest = verify._read_manifest(folder)
    result = verify.Verification(folder)
    verify._check_inputs(manifest, verify._project_root(folder, manifest, None), result)
    [difference] = result.differences
    assert difference.kind == "input" and difference.name == outside.resolve().as_posix()
    assert "SHA-256" in difference.detail


def test_verify_says_a_pack_file_recorded_by_its_absolute_path_has_moved(tmp_path, monkeypatch):
    root, outside = _outside_pack(tmp_path, monkeypatch)
    folder = _fake_report(root, outside.resolve().as_posix(), _sha(outside))
    outside.rename(tmp_path / "renamed.yaml")
    with pytest.raises(VerifyError) as caught:
        verify_report(folder)
    message = str(caught.value)
    assert str(outside.resolve()) in message and "moved or been deleted" in message
    assert "run verify from the project folder" not in message  # where verify runs is not the matter


@pytest.mark.slow  # renders a pack and renders it again
def test_a_report_of_a_pack_file_outside_the_project_verifies(tmp_path, monkeypatch, capsys):
    from reportlib.cli import main

    scratch = tmp_path / "tmp"  # verify renders again in a temporary folder: this test's own
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    root, outside = _outside_pack(tmp_path, monkeypatch)
    pack = outside.with_name("pk-outside.yaml")
    pack.write_text(outside.read_text().replace(f"pack: {SAMPLE_PACK}", "pack: pk-outside")
                    .replace("- pdf\n", ""))  # html only: the pack file's place is under test, not the PDF
    assert main(["render", "../pk-outside.yaml"]) == 0, capsys.readouterr()
    folder = root / "reports" / "pk-outside" / SAMPLE_AS_OF
    recorded = json.loads((folder / "manifest.json").read_text())["pack_file"]
    assert recorded == {"path": pack.resolve().as_posix(), "sha256": _sha(pack)}
    capsys.readouterr()
    assert main(["verify", f"reports/pk-outside/{SAMPLE_AS_OF}"]) == 0, capsys.readouterr()
    assert capsys.readouterr().out.splitlines()[-1].startswith("verified:")


def test_verify_of_a_pack_file_outside_the_project_run_from_elsewhere_names_the_project(tmp_path, monkeypatch):
    root, outside = _outside_pack(tmp_path, monkeypatch)
    folder = _fake_report(root, outside.resolve().as_posix(), _sha(outside))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # a render of the pack from here would not take proj/ as its project
    with pytest.raises(VerifyError) as caught:
        verify_report(folder)
    message = str(caught.value)
    assert str(outside.resolve()) in message and str(root.resolve()) in message
    assert "run from the project folder" in message
