"""``staged_publish``: the one context manager that owns a pack's lock, temporary folder, swap and failure."""
from __future__ import annotations

import pytest

from reportlib.errors import RenderError
from reportlib.run.publish import Interrupted
from reportlib.run.staging import staged_publish


def files(folder):
    return {p.name: p.read_text() for p in folder.iterdir()}


def test_a_clean_block_is_published_whole_and_replaces_the_last_report(tmp_path):
    with staged_publish(tmp_path, "wdc", "2010-07-31") as folder:
        (folder / "a.html").write_text("first")
        assert not (tmp_path / "wdc").exists()  # nothing shows until the block ends
        assert (tmp_path / ".wdc.lock").exists()
    with staged_publish(tmp_path, "wdc", "2010-07-31") as folder:
        (folder / "a.html").write_text("second")
    assert files(tmp_path / "wdc" / "2010-07-31") == {"a.html": "second"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wdc"]  # no lock, no temporary folder


def test_a_failing_block_publishes_nothing_and_keeps_the_executed_notebooks(tmp_path):
    with staged_publish(tmp_path, "wdc", "2010-07-31") as folder:
        (folder / "a.html").write_text("good")
    with pytest.raises(RenderError) as raised:
        with staged_publish(tmp_path, "wdc", "2010-07-31") as folder:
            (folder / "a.ipynb").write_text("executed up to the failure")
            (folder / "a.html").write_text("half")
            raise ValueError("totals do not add up")
    failed = tmp_path / "_failed" / "wdc" / "2010-07-31"
    assert str(raised.value) == f"ValueError: totals do not add up (executed notebooks kept in {failed})"
    assert raised.value.pack == "wdc" and raised.value.kept == str(failed)
    assert isinstance(raised.value.__cause__, ValueError)
    assert files(tmp_path / "wdc" / "2010-07-31") == {"a.html": "good"}
    assert files(failed) == {"a.ipynb": "executed up to the failure", "error.txt": "totals do not add up\n"}
    with staged_publish(tmp_path, "wdc", "2010-07-31") as folder:  # a good render clears the old failure
        (folder / "a.html").write_text("better")
    assert not (tmp_path / "_failed").exists()


def test_a_second_render_of_the_same_pack_is_refused_and_an_interruption_goes_on_up(tmp_path):
    with pytest.raises(Interrupted):
        with staged_publish(tmp_path, "wdc", "2010-07-31") as folder:
            with pytest.raises(RenderError, match="pack 'wdc' is already being rendered"):
                with staged_publish(tmp_path, "wdc", "2010-07-31"):
                    pass
            (folder / "a.html").write_text("unfinished")
            raise Interrupted()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing published, kept or left behind


def test_a_retry_may_wait_for_the_lock_of_a_render_that_is_ending(tmp_path):
    import fcntl
    import threading

    handle = open(tmp_path / ".wdc.lock", "a+")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a dying worker's child, still holding it
    threading.Timer(0.5, handle.close).start()
    with staged_publish(tmp_path, "wdc", "2010-07-31", lock_wait=10) as folder:
        (folder / "a.html").write_text("retried")
    assert files(tmp_path / "wdc" / "2010-07-31") == {"a.html": "retried"}
