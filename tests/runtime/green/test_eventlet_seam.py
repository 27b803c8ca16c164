"""The green modules from eventlet's greenthreads: the runtime takes the thread over from
eventlet's hub, so both kinds of green thread wait on the same locks, events and queues.

Each scenario runs in a process of its own (eventlet never shares the test process), under
eventlet's default hub and under its asyncio hub.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SCENARIOS = {
    "plain code waits on a green Event set by a greenthread holding a green Lock": (
        """
        import eventlet
        from greenshift.runtime.green import threading
        done, lock, order = threading.Event(), threading.Lock(), []

        def setter():
            with lock:
                eventlet.sleep(0.01)
                order.append("set")
                done.set()

        eventlet.spawn(setter)
        eventlet.sleep(0)
        order.append(done.wait(5))
        with lock:
            order.append("locked")
        print(order)
        """,
        "['set', True, 'locked']",
    ),
    "a greenthread waits on a green Queue that plain code fills": (
        """
        import eventlet
        from greenshift.runtime.green import queue
        jobs, got = queue.Queue(), []
        reader = eventlet.spawn(lambda: got.append(jobs.get(timeout=5)))
        eventlet.sleep(0.01)
        jobs.put("job")
        reader.wait()
        print(got)
        """,
        "['job']",
    ),
    "a runtime green thread and a greenthread share a green Condition": (
        """
        import eventlet
        import greenshift.runtime
        from greenshift.runtime.green import threading
        condition, items = threading.Condition(), []

        def consumer():
            with condition:
                condition.wait_for(lambda: items, timeout=5)
                return items.pop()

        def producer():
            eventlet.sleep(0.01)
            with condition:
                items.append("made by eventlet")
                condition.notify()

        thread = greenshift.runtime.spawn(consumer)
        eventlet.spawn(producer)
        print(thread.wait())
        """,
        "made by eventlet",
    ),
}


@pytest.mark.parametrize("hub", ["default", "asyncio"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_green_primitives_across_the_seam(name: str, hub: str) -> None:
    code, expected = SCENARIOS[name]
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    if hub == "asyncio":
        env["EVENTLET_HUB"] = "asyncio"
    else:
        env.pop("EVENTLET_HUB", None)
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip().splitlines()[-1] == expected
