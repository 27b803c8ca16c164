import time
from unittest import mock

import eventlet

from minisvc import loopingcall


def test_stops_on_done():
    calls = []

    def count():
        calls.append(1)
        if len(calls) == 3:
            raise loopingcall.LoopingCallDone("finished")

    timer = loopingcall.FixedIntervalLoopingCall(count)
    timer.start(interval=0.001)
    assert timer.wait() == "finished"
    assert len(calls) == 3


def test_stop_from_outside():
    timer = loopingcall.FixedIntervalLoopingCall(lambda: None)
    timer.start(interval=0.001)
    time.sleep(0.01)
    timer.stop()
    assert timer.wait() is True


@mock.patch.object(eventlet, "sleep")
def test_initial_delay_is_slept(sleep):
    def once():
        raise loopingcall.LoopingCallDone(1)

    timer = loopingcall.FixedIntervalLoopingCall(once)
    done = timer.start(interval=1, initial_delay=5)
    assert done.wait() == 1
    sleep.assert_called_once_with(5)
