"""``verify`` re-hashes a pack's inputs where the pack reads them: data kept under the pack's data
root, outside the project, is found there (the manifest records such a file by its name)."""
from __future__ import annotations

import hashlib

from reportlib.run import verify


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _project(tmp_path, plan_bytes: bytes):
    root, outside = tmp_path / "project", tmp_path / "shared-drive"
    (root / "params").mkdir(parents=True)
    (root / "notebooks").mkdir()
    outside.mkdir()
    (root / "notebooks" / "report.ipynb").write_text("{}")
    (outside / "plan.xlsx").write_bytes(plan_bytes)
    pack = root / "params" / "pack.yaml"
    pack.write_text(f"pack: p\ndata_root: {outside}\ndata: [plan.xlsx]\nnotebooks:\n  - notebook: notebooks/report.ipynb\n")
    return root, outside, pack


def _manifest(root, outside, pack) -> dict:
    return {"pack_file": {"path": "params/pack.yaml", "sha256": _sha(pack)},
            "inputs": [{"path": "plan.xlsx", "sha256": _sha(outside / "plan.xlsx")}],
            "notebooks": [{"notebook": "notebooks/report.ipynb", "sha256": _sha(root / "notebooks" / "report.ipynb")}]}


def test_data_under_the_packs_data_root_is_found_and_re_hashed(tmp_path):
    root, outside, pack = _project(tmp_path, b"the plan")
    result = verify.Verification(tmp_path)
    verify._check_inputs(_manifest(root, outside, pack), root, result)
    assert result.differences == [] and "plan.xlsx" in result.inputs


def test_a_changed_file_under_the_data_root_is_named(tmp_path):
    root, outside, pack = _project(tmp_path, b"the plan")
    manifest = _manifest(root, outside, pack)
    (outside / "plan.xlsx").write_bytes(b"the plan, changed")
    result = verify.Verification(tmp_path)
    verify._check_inputs(manifest, root, result)
    [difference] = result.differences
    assert difference.kind == "input" and "plan.xlsx" in str(difference) and "SHA-256" in str(difference)


def _with_layout_and_decisions(root, outside, pack) -> dict:
    """The layout and the decisions file beside the data, recorded by name as the pack's inputs."""
    (outside / "ebc.layout.yaml").write_text("name: ebc\n")
    (outside / "decisions.csv").write_text("action_id,snapshot,status,reviewer,date,reason\n")
    manifest = _manifest(root, outside, pack)
    manifest["inputs"] += [{"path": name, "sha256": _sha(outside / name)} for name in ("ebc.layout.yaml", "decisions.csv")]
    return manifest


def test_a_layout_and_decisions_beside_data_under_the_data_root_are_found(tmp_path):
    root, outside, pack = _project(tmp_path, b"the plan")
    manifest = _with_layout_and_decisions(root, outside, pack)
    result = verify.Verification(tmp_path)
    verify._check_inputs(manifest, root, result)
    assert result.differences == []
    assert {"plan.xlsx", "ebc.layout.yaml", "decisions.csv"} <= set(result.inputs)
    (outside / "ebc.layout.yaml").write_text("name: ebc\ndescription: edited\n")
    result = verify.Verification(tmp_path)
    verify._check_inputs(manifest, root, result)
    [difference] = result.differences
    assert "ebc.layout.yaml" in str(difference) and "SHA-256" in str(difference)


def test_data_layout_and_decisions_under_the_data_root_variable_are_found(tmp_path, monkeypatch):
    root, outside, pack = _project(tmp_path, b"the plan")
    pack.write_text("pack: p\ndata: [plan.xlsx]\nnotebooks:\n  - notebook: notebooks/report.ipynb\n")
    monkeypatch.setenv("REPORTLIB_DATA_ROOT", str(outside))
    manifest = _with_layout_and_decisions(root, outside, pack)
    result = verify.Verification(tmp_path)
    verify._check_inputs(manifest, root, result)
    assert result.differences == []
