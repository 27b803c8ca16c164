"""``GreenPipe``: a pipe's file object whose reads and writes suspend only the green thread."""

from __future__ import annotations

import os

from greenshift.runtime import run, sleep, spawn
from greenshift.runtime.green import GreenPipe

from ..bridge_support import no_leaks  # noqa: F401


def test_a_reader_waits_while_other_green_threads_run() -> None:
    def main() -> list[str]:
        r, w = os.pipe()
        trace: list[str] = []
        reader_pipe = GreenPipe(r, "r")

        def reader() -> None:
            trace.append(f"line {reader_pipe.readline().strip()}")

        def writer() -> None:
            trace.append("writer runs while the reader waits")
            sleep(0.01)
            with GreenPipe(w, "w") as out:
                out.write("hello\n")
                out.flush()

        threads = [spawn(reader), spawn(writer)]
        for thread in threads:
            thread.wait()
        reader_pipe.close()
        return trace

    assert run(main) == ["writer runs while the reader waits", "line hello"]


def test_binary_unbuffered_and_a_file_object() -> None:
    def main() -> bytes:
        r, w = os.pipe()
        with os.fdopen(w, "wb") as out:
            out.write(b"abc")
        with open(r, "rb") as plain, GreenPipe(plain, "rb", 0) as pipe:
            return pipe.read(3)

    assert run(main) == b"abc"
