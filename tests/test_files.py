"""The atomic writer (issue 8, defect 6): links are written through, never replaced; streams get
the finished content; a killed run's temporary files are removed by the next run, and only those."""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from secongraph.errors import OutputError
from secongraph.files import atomic_output, write_atomically


def test_a_link_is_kept_and_its_target_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real" / "secon.ttl"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "secon.ttl"
    link.symlink_to(target)
    write_atomically(link, b"new\n")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new\n"
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_dangling_link_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "secon.ttl"
    link.symlink_to(tmp_path / "made.ttl")
    write_atomically(link, b"new\n")
    assert link.is_symlink()
    assert (tmp_path / "made.ttl").read_bytes() == b"new\n"


def test_a_link_to_a_device_writes_through(tmp_path: Path) -> None:
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/null")
    write_atomically(link, b"a,b\n")
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_named_pipe_gets_the_content(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    write_atomically(fifo, b"through the pipe\n")
    out, _ = reader.communicate(timeout=10)
    assert out == b"through the pipe\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_dev_stdout_is_written_to_not_replaced() -> None:
    """As root, ``-o /dev/stdout`` replaced /dev/stdout with a file."""
    before = os.readlink("/dev/stdout")
    code = (
        "from pathlib import Path; from secongraph.files import write_atomically; "
        "write_atomically(Path('/dev/stdout'), b'to the pipe')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert result.stdout == b"to the pipe"
    assert Path("/dev/stdout").is_symlink() and os.readlink("/dev/stdout") == before


def test_a_folder_in_the_way_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"cannot write \(Is a folder\)"):
        write_atomically(tmp_path, b"x")


def test_a_failure_in_the_block_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "secon.ttl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secon.ttl"]


def test_a_killed_writer_leaves_a_temporary_that_the_next_run_removes(tmp_path: Path) -> None:
    target = tmp_path / "secon.ttl"
    target.write_text("old\n", encoding="utf-8")
    code = (
        "import sys, time; from pathlib import Path; from secongraph.files import atomic_output\n"
        "with atomic_output(Path(sys.argv[1])) as tmp:\n"
        "    tmp.write_text('half'); print('writing', flush=True); time.sleep(60)\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE)
    assert writer.stdout is not None and writer.stdout.readline() == b"writing\n"
    (left,) = tmp_path.glob(".secon.ttl.*.tmp")
    # While the writer lives, another write leaves its temporary file alone.
    write_atomically(tmp_path / "secon.ttl", b"meanwhile\n")
    assert left.exists()
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    assert left.exists() and target.read_bytes() == b"meanwhile\n"
    write_atomically(target, b"new\n")
    assert not left.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secon.ttl"]


def test_only_stale_temporaries_of_the_same_target_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / ".secon.ttl.abcd1234.tmp"
    other_target = tmp_path / ".secon.trig.abcd1234.tmp"
    held = tmp_path / ".secon.ttl.held0000.tmp"
    not_ours = tmp_path / ".secon.ttl.notatemp.txt"
    linked = tmp_path / ".secon.ttl.link0000.tmp"
    for path in (stale, other_target, held, not_ours):
        path.write_text("left over", encoding="utf-8")
    linked.symlink_to(other_target)
    with held.open("rb") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)  # a live writer's lock
        write_atomically(tmp_path / "secon.ttl", b"new\n")
    assert not stale.exists()
    assert other_target.exists() and held.exists() and not_ours.exists() and linked.is_symlink()
