"""eventlet's hub on the runtime's loop: one scheduler per thread when eventlet and the
runtime meet.

In a thread where the runtime runs, eventlet's hub is this module's `Hub`: a hub on the
runtime's own asyncio loop. eventlet's timers are loop timers and its fd listeners loop
readers and writers, run from the loop's callbacks; the hub greenlet eventlet switches to is
the greenlet that runs the loop. It subclasses eventlet's asyncio hub, so eventlet's asyncio
helpers (`spawn_for_awaitable`, awaiting a GreenThread) work too. How greenthreads and the
runtime's green threads wait on each other is in `eventlet_seam`.

The hub is installed when both meet in a thread: eventlet asks for a hub where the runtime
runs (`_HubLocal`), or the runtime starts where eventlet's hub exists (`claim_thread`). A
hub eventlet made first (its default, or its asyncio hub) is taken over in place (`_adopt`):
it becomes an instance of `Hub`, its timers and listeners move onto the loop, and a hub
greenlet that was running finishes its round and hands the thread over to the runtime's hub
greenlet (`_hand_over`). This module imports eventlet only once eventlet is loaded.
"""

from __future__ import annotations

import asyncio
import importlib.abc
import importlib.machinery
import os
import sys
import types
from typing import Any

from greenlet import getcurrent, greenlet

from greenshift.runtime.eventlet_seam import (
    _client_wait,
    _relay,
    _route,
    _runner,
    _worker_wait,
    awaitlet_in_greenthread,
    foreign_switch,
    in_eventlet_greenthread,
    interrupt_greenthread,
    is_greenthread,
    kill_greenlet,
)
from greenshift.runtime.fastpaths import get_running_loop, timer_due
from greenshift.runtime.state import _SUSPENDED, _own_loop, _state, get_loop
from greenshift.runtime.suspend import awaitlet
from greenshift.runtime.worker import _Worker

__all__ = [
    "awaitlet_in_greenthread",
    "claim_thread",
    "foreign_switch",
    "hub_class",
    "in_eventlet_greenthread",
    "interrupt_greenthread",
    "is_greenthread",
    "kill_greenlet",
]

# --- the hub ----------------------------------------------------------------------------------


class _RuntimeHub:
    """eventlet's hub on the runtime's loop (mixed into eventlet's asyncio hub, see
    `hub_class`)."""

    # Set per instance in `_init_runtime`.
    _relay: greenlet | None
    _handles: dict[Any, asyncio.Handle]

    # The loop and the hub greenlet are the runtime's, whatever eventlet assigns.
    @property  # type: ignore[misc]
    def loop(self) -> asyncio.AbstractEventLoop:
        return get_loop()

    @loop.setter
    def loop(self, value: Any) -> None:
        pass

    @property  # type: ignore[misc]
    def greenlet(self) -> greenlet:
        """The loop's greenlet, as seen from it (eventlet checks `getcurrent() is
        hub.greenlet` in its callbacks); from anywhere else the relay, which greenthreads
        switch to when they end (the parent eventlet gives them)."""
        current = getcurrent()
        state = _state
        runner = state.runner
        if runner is None or state.runner_loop is not get_running_loop():
            runner = _runner()
        if current is runner:
            return runner
        relay = self._relay
        if relay is None or relay.dead:
            relay = self._relay_greenlet()
        return relay

    @greenlet.setter
    def greenlet(self, value: Any) -> None:
        pass

    def __init__(self) -> None:
        _BaseHub.__init__(self)  # type: ignore[misc]
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._relay = None
        self._relays: list[greenlet] = []
        self._handles = {}
        self.running = True  # eventlet's abort() and debug helpers look at it
        self.stopping = False
        _state.eventlet = self

    def _post_initialize(self) -> None:
        # eventlet's asyncio hub makes and sets a loop of its own here; ours is the runtime's.
        if _monkey_patched():
            from eventlet.patcher import _unmonkey_patch_asyncio_all

            _unmonkey_patch_asyncio_all()

    def _relay_greenlet(self) -> greenlet:
        relay = self._relay
        if relay is None or relay.dead:
            root = getcurrent()
            while root.parent is not None:
                root = root.parent
            relay = self._relay = greenlet(_relay, parent=root)  # in no greenthread's chain
            self._keep(relay)
        return relay

    def _keep(self, relay: greenlet) -> None:
        """A greenlet of the hub's own (a relay), unwound when the thread exits."""
        from greenshift.runtime import lifecycle

        self._relays.append(relay)
        lifecycle.note_greenlet(relay)

    def _forked(self) -> None:
        """In a child process: the parent's timers and listeners are gone with its loop."""
        self._relay = None
        self._relays = []
        self._handles = {}
        for bucket in (self.listeners, self.secondaries):
            for listeners in bucket.values():
                listeners.clear()
        del self.closed[:]

    # -- eventlet's hub.switch(): wait until switched back in -----------------------------

    def switch(self) -> Any:
        current = getcurrent()
        if type(current) is _Worker:
            return _worker_wait(current)
        state = _state
        runner = state.runner
        if runner is None or state.runner_loop is not get_running_loop() or runner.dead:
            runner = _runner()
        if current is runner:
            raise RuntimeError(
                "an eventlet primitive was waited on in code the event loop runs directly "
                "(a callback, or a coroutine outside any green thread); call it from a "
                "green thread (greenshift.runtime.spawn, or `await async_def(fn)`)"
            )
        if current is state.client:
            return _client_wait(current)
        switch_out = getattr(current, "switch_out", None)  # eventlet's hook, as its hubs call
        if switch_out is not None:
            try:
                switch_out()
            except Exception:
                self.squelch_generic_exception(sys.exc_info())
        relay = self._relay
        if relay is None or relay.dead:
            relay = self._relay_greenlet()
        if current.parent is not relay and current is not state.forked_job:
            try:
                current.parent = relay  # where it goes when it ends (see `_relay`)
            except ValueError:
                pass
        return runner.switch(_SUSPENDED)

    def ensure_greenlet(self) -> None:
        pass

    # -- timers: loop timers --------------------------------------------------------------

    def schedule_call_global(self, seconds: float, cb: Any, *args: Any, **kwargs: Any) -> Any:
        timer = _Timer(seconds, cb, *args, **kwargs)
        self.add_timer(timer)
        return timer

    def schedule_call_local(self, seconds: float, cb: Any, *args: Any, **kwargs: Any) -> Any:
        timer = _LocalTimer(seconds, cb, *args, **kwargs)
        self.add_timer(timer)
        return timer

    def add_timer(self, timer: Any) -> float:
        loop = get_running_loop() or get_loop()
        state = _state
        if state.client is not None:
            cb, args, kwargs = timer.tpl
            routed = _route(cb)
            if routed is not cb:
                timer.tpl = (routed, args, kwargs)
        seconds = timer.seconds
        now = loop.time()
        if seconds > 0:
            self._handles[timer] = loop.call_at(now + seconds, self._fire, timer)
            return now + seconds  # type: ignore[no-any-return]
        ready = state.ready if loop is state.loop else None
        if ready is None or timer_due(loop):
            # eventlet fires timers in time order: after those already due.
            self._handles[timer] = loop.call_at(now, self._fire, timer)
        else:
            # The loop's next turn, as a bare handle on its ready queue (see
            # fastpaths.ready_queue): a Handle with its copied context costs more than the
            # rest of an eventlet.sleep(0).
            soon = self._handles[timer] = _Soon(self, timer)
            ready.append(soon)
        return now  # type: ignore[no-any-return]

    def _schedule_at(self, when: float, timer: Any) -> None:
        self._handles[timer] = get_loop().call_at(when, self._fire, timer)

    def timer_canceled(self, timer: Any) -> None:
        handle = self._handles.pop(timer, None)
        if handle is not None:
            handle.cancel()

    def _fire(self, timer: Any) -> None:
        self._handles.pop(timer, None)
        try:
            if type(timer) is _Timer:
                # eventlet's Timer.__call__, inline.
                if timer.called:
                    return
                timer.called = True
                cb, args, kwargs = timer.tpl
                del timer.tpl
                cb(*args, **kwargs)
            else:
                timer()
        except self.SYSTEM_EXCEPTIONS:
            raise
        except BaseException:
            self.squelch_timer_exception(timer, sys.exc_info())

    def get_timers_count(self) -> int:
        return len(self._handles)

    # What an old hub's run loop calls while it finishes its last round (see `_adopt`):
    # nothing left to fire, no wait.
    def prepare_timers(self) -> None:
        pass

    def fire_timers(self, when: float) -> None:
        pass

    def sleep_until(self) -> float:
        return self.clock()  # type: ignore[no-any-return]

    def wait(self, seconds: float | None = None) -> None:
        pass

    def default_sleep(self) -> float:
        return 0.0

    # -- listeners: loop readers and writers -------------------------------------------------

    def add(self, evtype: str, fileno: int, cb: Any, tb: Any, mark_as_closed: Any) -> Any:
        try:
            os.fstat(fileno)
        except OSError:
            raise ValueError("Invalid file descriptor") from None
        already = bool(self.listeners[evtype].get(fileno))
        listener = _BaseHub.add(self, evtype, fileno, _route(cb), _route(tb), mark_as_closed)  # type: ignore[misc]
        if not already:
            self._watch(evtype, fileno)
        return listener

    def _watch(self, evtype: str, fileno: int) -> None:
        if evtype == _READ:
            get_loop().add_reader(fileno, self._ready_fd, evtype, fileno)
        else:
            get_loop().add_writer(fileno, self._ready_fd, evtype, fileno)

    def _unwatch(self, evtype: str, fileno: int) -> None:
        loop = get_loop()
        if evtype == _READ:
            loop.remove_reader(fileno)
        else:
            loop.remove_writer(fileno)

    def _ready_fd(self, evtype: str, fileno: int) -> None:
        listener = self.listeners[evtype].get(fileno)
        if listener is None:
            self._unwatch(evtype, fileno)
            return
        try:
            listener.cb(fileno)
        except self.SYSTEM_EXCEPTIONS:
            raise
        except BaseException:
            self.squelch_exception(fileno, sys.exc_info())

    def remove(self, listener: Any) -> None:
        _BaseHub.remove(self, listener)  # type: ignore[misc]
        evtype, fileno = listener.evtype, listener.fileno
        if not self.listeners[evtype].get(fileno):
            self._unwatch(evtype, fileno)

    def remove_descriptor(self, fileno: int) -> None:
        have = [evtype for evtype in (_READ, _WRITE) if self.listeners[evtype].get(fileno)]
        _BaseHub.remove_descriptor(self, fileno)  # type: ignore[misc]
        for evtype in have:
            self._unwatch(evtype, fileno)

    def mark_as_reopened(self, fileno: int) -> None:
        _BaseHub.mark_as_reopened(self, fileno)  # type: ignore[misc]
        if self.closed:
            get_loop().call_soon(self._close_obsolete)

    def _close_obsolete(self) -> None:
        while self.closed:
            self.close_one()

    # -- running ---------------------------------------------------------------------------

    def run(self, *args: Any, **kwargs: Any) -> None:
        """The runtime's loop runs the hub; `run()` waits until `abort()`, like eventlet's."""
        self.stopping = False
        self._aborted = get_loop().create_future()
        awaitlet(self._aborted)

    def abort(self, wait: bool = False) -> None:
        self.stopping = True
        aborted = self.__dict__.pop("_aborted", None)
        if aborted is not None and not aborted.done():
            aborted.set_result(None)


class _Soon:
    """An eventlet timer due on the loop's next turn, queued as its own handle."""

    __slots__ = ("hub", "timer", "_cancelled")
    _callback = _source_traceback = None  # what asyncio's debug mode reads of a handle

    def __init__(self, hub: Any, timer: Any) -> None:
        self.hub = hub
        self.timer = timer
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def _run(self) -> None:
        self.hub._fire(self.timer)


_BaseHub: Any = None
_Timer: Any = None
_LocalTimer: Any = None
_READ = "read"
_WRITE = "write"
_hub_class: Any = None


def hub_class() -> type:
    """`Hub`: `_RuntimeHub` over eventlet's asyncio hub (eventlet must be loaded)."""
    global _hub_class, _BaseHub, _READ, _WRITE, _Timer, _LocalTimer
    if _hub_class is None:
        from eventlet.hubs import asyncio as eventlet_asyncio
        from eventlet.hubs import hub as eventlet_hub
        from eventlet.hubs import timer as eventlet_timer

        _Timer, _LocalTimer = eventlet_timer.Timer, eventlet_timer.LocalTimer
        _BaseHub = eventlet_hub.BaseHub
        _READ, _WRITE = eventlet_hub.READ, eventlet_hub.WRITE
        _hub_class = type(
            "Hub",
            (_RuntimeHub, eventlet_asyncio.Hub),
            {"__module__": __name__, "__doc__": _RuntimeHub.__doc__},
        )
    return _hub_class  # type: ignore[no-any-return]


def is_available() -> bool:
    """eventlet asks a hub module this (`eventlet.hubs.use_hub(module)`)."""
    return True


def __getattr__(name: str) -> Any:
    if name == "Hub":  # `eventlet.hubs.use_hub("greenshift.runtime.eventlet_hub")`
        return hub_class()
    raise AttributeError(name)


def _monkey_patched() -> bool:
    patcher = sys.modules.get("eventlet.patcher")
    return patcher is not None and bool(getattr(patcher, "already_patched", None))


# --- installing the hub -----------------------------------------------------------------------


def _runtime_active() -> bool:
    """The runtime runs in this thread: eventlet's hub for it must be ours."""
    state = _state
    return (
        state.loop is not None
        or type(getcurrent()) is _Worker
        or get_running_loop() is not None
        or state.eventlet is not None
    )


def _hub_local_type(base: type) -> type:
    class _HubLocal(base):  # type: ignore[misc,valid-type]
        """eventlet's per-thread hub record (`eventlet.hubs._threadlocal`): the hub class
        it makes a hub of is ours where the runtime runs, and a hub made before this record
        replaced eventlet's own is still found."""

        def __init__(self, previous: Any) -> None:
            self._previous = previous

        def __getattr__(self, name: str) -> Any:
            if name == "hub":
                previous = self.__dict__.get("_previous")
                hub = getattr(previous, "hub", None) if previous is not None else None
                if hub is not None:
                    self.hub = hub
                    return hub
            raise AttributeError(name)

        @property
        def Hub(self) -> Any:  # noqa: N802 (eventlet's name)
            if _runtime_active():
                return hub_class()
            chosen = self.__dict__.get("_Hub")
            if chosen is None:
                previous = self.__dict__.get("_previous")
                chosen = getattr(previous, "Hub", None) if previous is not None else None
                if chosen is None:
                    raise AttributeError("Hub")
            return chosen

        @Hub.setter
        def Hub(self, value: Any) -> None:  # noqa: N802
            self.__dict__["_Hub"] = value

        def __delattr__(self, name: str) -> None:
            if name != "hub":
                super().__delattr__(name)
                return
            # use_hub() drops the thread's hub; where the runtime runs, ours stays.
            hub = self.__dict__.get("hub")
            if hub is not None and type(hub) is _hub_class and _runtime_active():
                return
            previous = self.__dict__.get("_previous")
            if previous is not None and hasattr(previous, "hub"):
                del previous.hub  # or __getattr__ would find it again
            self.__dict__.pop("hub", None)

    return _HubLocal


def _install_local(hubs: Any) -> None:
    local = hubs._threadlocal
    if getattr(type(local), "_greenshift", False):
        return
    cls = _hub_local_type(type(local))
    cls._greenshift = True
    hubs._threadlocal = cls(local)


def claim_thread(fresh: asyncio.AbstractEventLoop | None = None) -> Any:
    """Move this thread's eventlet hub onto the runtime's loop; the hub, or None if eventlet
    has made none in this thread (eventlet makes ours when it asks, see `_HubLocal`).
    `fresh` is a loop the runtime has just made and not used yet."""
    hubs = sys.modules.get("eventlet.hubs")
    if hubs is None:
        return None
    _install_local(hubs)
    hub = getattr(hubs._threadlocal, "hub", None)
    if hub is None:
        return None
    cls = hub_class()
    if type(hub) is cls:
        _state.eventlet = hub
        return hub
    return _adopt(hub, cls, fresh)


def _adopt(hub: Any, cls: type, fresh: asyncio.AbstractEventLoop | None) -> Any:
    """Take over a hub eventlet made (its default hub, or its asyncio hub) in place."""
    state = _state
    values = hub.__dict__
    own_loop = values.get("loop")  # eventlet's asyncio hub's
    old = values.get("greenlet")
    running = bool(hub.running) and old is not None and bool(old) and not old.dead
    timers = [(when, timer) for when, timer in hub.timers + hub.next_timers if not timer.called]
    del hub.timers[:]  # in place: a running round of the old hub reads these very lists
    del hub.next_timers[:]
    fds = {(evtype, fileno) for evtype in (_READ, _WRITE) for fileno in hub.listeners[evtype]}
    poll = values.get("poll")
    if poll is not None:
        for _, fileno in fds:
            try:
                poll.unregister(fileno)
            except (OSError, ValueError, KeyError):
                pass
    if own_loop is not None:
        from greenshift.runtime import lifecycle

        lifecycle.run_after_eventlets_fork_hooks()  # its hook resets the running loop
    if own_loop is not None and not own_loop.is_closed():
        replaceable = state.loop is None or state.loop is fresh or own_loop.is_running()
        if own_loop is not state.loop and replaceable:
            # The runtime runs on eventlet's loop: objects bound to it keep working.
            if fresh is not None and state.loop is fresh:
                state.loop = None
                fresh.close()
            _own_loop(own_loop, claim=False)
        elif own_loop is not state.loop:
            for evtype, fileno in fds:
                (own_loop.remove_reader if evtype == _READ else own_loop.remove_writer)(fileno)
    hub.__class__ = cls
    hub._init_runtime()
    loop = get_loop()
    for when, timer in timers:
        cb, args, kwargs = timer.tpl
        timer.tpl = (_route(cb), args, kwargs)
        hub._schedule_at(when, timer)
    for evtype, fileno in fds:
        hub._watch(evtype, fileno)
    if running:
        _hand_over(hub, old, own_loop is loop)
    elif old is not None and not old:
        # Never started: greenthreads spawned meanwhile have it as their parent; one that
        # ends before it first waits (and is given the relay) ends into it.
        old.run = _relay
        hub._keep(old)
    return hub


def _hand_over(hub: Any, old: greenlet, runs_loop: bool) -> None:
    """The old hub greenlet is in the middle of its run: it finishes its round (its run
    loop calls this hub's methods now, which leave it nothing to do), then ends into the
    runtime's hub greenlet, which runs the loop from there on."""
    from greenshift.runtime import plain

    state = _state
    if state.client is None:
        plain._become_client(old.parent)  # the greenlet it returns to: plain code
    # When its round is over it ends, and so do greenthreads that still have it as their
    # parent: into the relay, which goes on to the runtime's hub greenlet.
    old.parent = hub._relay_greenlet()
    hub._keep(old)
    hub.stopping = True
    state.handover = old
    if runs_loop:
        state.runner, state.runner_loop = old, get_loop()  # it runs the loop meanwhile
    # A listener callback the old round still holds is no longer its to call.
    for evtype in (_READ, _WRITE):
        listeners = list(hub.listeners[evtype].values())
        for secondaries in hub.secondaries[evtype].values():
            listeners.extend(secondaries)
        for listener in listeners:
            listener.cb = _NotFrom(old, listener.cb)


class _NotFrom:
    """A listener's callback that does nothing when called from `old`'s stale round."""

    __slots__ = ("old", "callback")

    def __init__(self, old: greenlet, callback: Any) -> None:
        self.old = old
        self.callback = callback

    def __call__(self, fileno: int) -> Any:
        if getcurrent() is self.old:
            return None
        return self.callback(fileno)


# --- eventlet imported after the runtime ----------------------------------------------------


class _PostImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Installs `_HubLocal` as soon as `eventlet.hubs` is imported, before eventlet makes
    a hub in a thread where the runtime runs."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "eventlet.hubs":
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(name, path, target) if find_spec is not None else None
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        loader = self._loader
        module.__loader__ = loader
        if module.__spec__ is not None:
            module.__spec__.loader = loader
        loader.exec_module(module)
        _unhook()
        _install_local(module)


_hook = _PostImport()


def _unhook() -> None:
    try:
        sys.meta_path.remove(_hook)
    except ValueError:
        pass


if "eventlet.hubs" in sys.modules:
    _install_local(sys.modules["eventlet.hubs"])
else:
    sys.meta_path.insert(0, _hook)
