"""Incremental renders: a pack whose inputs have not changed since its last good render is skipped
("up to date") and keeps its published files; any change to what it depends on, or ``--force``,
renders it again."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import SAMPLE_AS_OF, build_notebook, build_sample_repo, write_pack

import reportlib
from reportlib.cli import main
from reportlib.run import fingerprint as fp
from reportlib.run import manifest, packpaths

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

PARAMETERS = ("parameters", "data_paths = []\nas_of = ''\ncouncil = ''\ncommittee = ''\n"
                            "pack_title = ''\naudience = ''\nsnapshot = ''")


def contents(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    build_sample_repo(root)
    build_notebook(root / "notebooks" / "tiny.ipynb", cells=[PARAMETERS, ("markdown", "# Progress"),
                                                             ("code", "print('first version')")])
    pack = write_pack(root, "tiny", formats=["html"], notebooks=[{"notebook": "notebooks/tiny.ipynb"}])
    return root, pack


def test_fingerprint_changes_with_each_input_and_only_then(repo):
    root, pack = repo
    first = fp.fingerprint(pack)
    assert first.pack == "tiny" and first.as_of == SAMPLE_AS_OF
    assert fp.fingerprint(pack).digest == first.digest
    assert first.parts["data"] == {"data/plan.xlsx": hashlib.sha256((root / "data/plan.xlsx").read_bytes()).hexdigest()}
    assert set(first.parts) == {"pack_file", "data", "layouts", "decisions", "notebooks", "reportlib"}
    seen = {first.digest}
    changes = [
        lambda: (root / "data" / "plan.xlsx").write_bytes((root / "data" / "plan.xlsx").read_bytes() + b"\0"),
        lambda: (root / "data" / "council.layout.yaml").write_text("name: council\n"),
        # an analyst's decision changes a status: the pack is not up to date any more
        lambda: (root / "data" / "decisions.csv").write_text("action_id,snapshot,status\n"),
        lambda: build_notebook(root / "notebooks" / "tiny.ipynb", cells=[PARAMETERS, ("code", "print(2)")]),
        lambda: write_pack(root, "tiny", formats=["html", "pdf"], notebooks=[{"notebook": "notebooks/tiny.ipynb"}]),
    ]
    for change in changes:
        change()
        digest = fp.fingerprint(pack).digest
        assert digest not in seen
        seen.add(digest)
    assert fp.reportlib_digest().startswith(reportlib.__version__ + "+")


def test_an_unchanged_pack_is_skipped_and_keeps_its_files_until_something_changes(repo, capsys):
    root, pack = repo
    reports = root / "reports"
    out = reports / "tiny" / SAMPLE_AS_OF
    assert main(["render", str(pack), "--reports", str(reports)]) == 0
    first = manifest.read(out)
    assert first.fingerprint["digest"] == fp.fingerprint(pack).digest
    assert first.rendered_by.engine == "process" and first.rendered_by.scheduler is None
    before, index = contents(out), (reports / "index.html").read_bytes()
    capsys.readouterr()

    assert main(["render", str(pack), "--reports", str(reports)]) == 0
    err = capsys.readouterr().err
    assert "up to date: tiny" in err and "0 of 1 pack(s) rendered, 1 up to date" in err
    assert contents(out) == before and (reports / "index.html").read_bytes() == index

    assert main(["render", str(pack), "--reports", str(reports), "--force"]) == 0
    assert "1 of 1 pack(s) rendered" in capsys.readouterr().err
    assert manifest.read(out).generated_at >= first.generated_at

    build_notebook(root / "notebooks" / "tiny.ipynb", cells=[PARAMETERS, ("markdown", "# Progress"),
                                                             ("code", "print('second version')")])
    assert main(["render", str(pack), "--reports", str(reports)]) == 0
    assert "1 of 1 pack(s) rendered" in capsys.readouterr().err
    assert "second version" in (out / "tiny.html").read_text()

    (out / "tiny.html").unlink()  # a published file gone: not up to date any more
    assert fp.up_to_date(pack, reports) is None


def test_a_published_file_emptied_or_edited_since_is_rendered_again(repo, capsys):
    # found by a new user: an emptied PDF or an edited HTML was kept as "up to date"
    root, pack = repo
    reports = root / "reports"
    out = reports / "tiny" / SAMPLE_AS_OF
    assert main(["render", str(pack), "--reports", str(reports)]) == 0
    good = (out / "tiny.html").read_bytes()
    for damage in (lambda: (out / "tiny.html").write_bytes(b""),                       # emptied
                   lambda: (out / "tiny.html").write_bytes(good + b"<p>added</p>"),   # longer
                   lambda: (out / "tiny.html").write_bytes(good.replace(b"first", b"FIRST"))):  # same size
        damage()
        assert fp.up_to_date(pack, reports) is None
        capsys.readouterr()
        assert main(["render", str(pack), "--reports", str(reports)]) == 0
        assert "1 of 1 pack(s) rendered" in capsys.readouterr().err
        assert (out / "tiny.html").read_bytes() == good
    assert fp.up_to_date(pack, reports) is not None


def test_a_manifest_from_before_fingerprints_or_unreadable_means_render_again(repo):
    root, pack = repo
    out = root / "reports" / "tiny" / SAMPLE_AS_OF
    out.mkdir(parents=True)
    (out / "tiny.html").write_text("<p>a report</p>")
    found = fp.fingerprint(pack)
    published = (out / "tiny.html").read_bytes()
    listed = manifest.Output("tiny.html", "html", sha256=hashlib.sha256(published).hexdigest(), bytes=len(published))
    written = manifest.Manifest(pack="tiny", as_of=SAMPLE_AS_OF, outputs=(listed,),
                                fingerprint=found.as_dict(), rendered_by=manifest.RenderedBy("dask", "tcp://s", "tcp://w"))
    written.write(out)
    assert manifest.read(out) == written and fp.up_to_date(pack, root / "reports") == written
    data = json.loads((out / "manifest.json").read_text())
    assert list(data)[-2:] == ["fingerprint", "rendered_by"]
    assert data["rendered_by"] == {"engine": "dask", "scheduler": "tcp://s", "worker": "tcp://w"}
    assert manifest.Manifest.from_dict(data).to_dict() == data  # read and written by one type, key for key
    data.pop("fingerprint")
    (out / "manifest.json").write_text(json.dumps(data))
    assert fp.up_to_date(pack, root / "reports") is None
    (out / "manifest.json").write_text("{not json")
    assert fp.up_to_date(pack, root / "reports") is None
    with pytest.raises(manifest.ManifestError, match="manifest.json: not a readable manifest"):
        manifest.read(out)


def test_the_fingerprint_reads_pack_files_as_the_pack_checks_do():
    from reportlib.run import packs

    assert (packpaths.DATA_ROOT_VARIABLE, fp.MAX_PACK_BYTES) == (packs.DATA_ROOT_VARIABLE, packs.MAX_PACK_BYTES)


def test_a_copy_of_the_project_has_the_same_fingerprint(repo, tmp_path):
    import shutil

    root, pack = repo
    copy = Path(shutil.copytree(root, tmp_path / "elsewhere" / "project"))
    assert fp.fingerprint(copy / pack.relative_to(root)).digest == fp.fingerprint(pack).digest


def test_two_pack_files_giving_one_pack_name_are_both_refused(repo, capsys):
    # found by a new user: the second overwrote the first, and the report flipped with every run
    root, pack = repo
    twin = root / "params" / "tiny-copy.yaml"
    twin.write_text(pack.read_text().replace("formats: [html]", "formats: [html, pdf]"))
    reports = root / "reports"
    assert main(["render", str(pack), str(twin), "--reports", str(reports)]) == 1
    err = capsys.readouterr().err
    assert f"pack: 'tiny' is also the name of {twin}" in err and f"pack: 'tiny' is also the name of {pack}" in err
    assert "0 of 2 pack(s) rendered" in err
    assert not (reports / "tiny").exists()
    twin.unlink()
    assert main(["render", str(pack), "--reports", str(reports)]) == 0


def test_a_report_reached_through_a_link_at_the_pack_folder_is_never_up_to_date(repo):
    """A link at ``reports/<pack>`` fails the render naming it (``publish.refuse_linked_pack``): a report
    published through such a link before must not be kept as "up to date", which would hide that error."""
    root, pack = repo
    outside = root.parent / "outside"
    out = outside / SAMPLE_AS_OF
    out.mkdir(parents=True)
    (out / "tiny.html").write_text("<p>a report</p>")
    published = (out / "tiny.html").read_bytes()
    listed = manifest.Output("tiny.html", "html", sha256=hashlib.sha256(published).hexdigest(), bytes=len(published))
    manifest.Manifest(pack="tiny", as_of=SAMPLE_AS_OF, outputs=(listed,),
                      fingerprint=fp.fingerprint(pack).as_dict()).write(out)
    (root / "reports").mkdir()
    (root / "reports" / "tiny").symlink_to(outside, target_is_directory=True)
    assert fp.up_to_date(pack, root / "reports") is None
    (root / "reports" / "tiny").unlink()
    outside.rename(root / "reports" / "tiny")  # the same report in the pack folder itself: up to date
    assert fp.up_to_date(pack, root / "reports") is not None
