"""Per-green-thread identity: thread idents, `threading.local` storage, join handles.

The runtime reuses its worker greenlets from one green thread to the next, so nothing may be
keyed by greenlet: each green thread (one job of a worker, told apart by the worker's
`generation`) gets an `Identity` the first time it asks for one, holding its ident, its
`local` storage and what must be released when it ends. A green thread started by `spawn`
(or through this package's `_thread`) ends its identity from a link on its `GreenThread`,
inside the job; the few jobs without one (`async_def`'s, `run()`'s main) are swept later,
once their worker has moved on.

Code outside any green thread (plain code, loop callbacks, other OS threads) is the OS
thread itself: the real ident, the real thread-local storage.
"""

from __future__ import annotations

import _thread
import itertools
import weakref
from collections.abc import Callable
from typing import Any

from greenlet import getcurrent

from greenshift.runtime.green._context import Worker
from greenshift.runtime.green._lock import Lock
from greenshift.runtime.greenthread import GreenThread

__all__ = [
    "Identity",
    "ThreadHandle",
    "bind",
    "current_identity",
    "end_identity",
    "get_ident",
    "local",
    "new_identity",
]

_real_get_ident = _thread.get_ident
_RealLocal = _thread._local
_ATTRIBUTE = "_greenshift_identity"  # where a worker keeps its current job's identity

# Green idents count up from far above any OS thread ident (a pthread_t is an address
# below 2**57), so neither kind is ever mistaken for the other, and none is reused.
_idents = itertools.count((1 << 60) + 1)


class ThreadHandle:
    """`_thread._ThreadHandle` for a green thread: its ident, and a join that waits (in
    every context, see `_context`) until the thread is done."""

    __slots__ = ("_ident", "_done", "_running", "__weakref__")

    def __init__(self) -> None:
        self._ident: int | None = None
        self._done = False
        self._running = Lock()  # held until the thread is done
        self._running.acquire()

    @property
    def ident(self) -> int | None:
        return self._ident

    def is_done(self) -> bool:
        return self._done

    def _set_done(self) -> None:
        if not self._done:
            self._done = True
            self._running.release()

    def join(self, timeout: float | None = None) -> None:
        """Wait until the thread is done, for at most `timeout` seconds."""
        if self._done:
            return
        if self._ident is not None and self._ident == get_ident():
            raise RuntimeError("Cannot join current thread")
        wait = -1 if timeout is None or timeout < 0 else timeout
        if self._running.acquire(True, wait):
            self._running.release()

    def __repr__(self) -> str:
        state = "done" if self._done else "running"
        return f"<{type(self).__name__} ident={self._ident} {state}>"


class Identity:
    """One green thread's identity; see the module."""

    __slots__ = (
        "ident",
        "worker",
        "generation",
        "locals",
        "handle",
        "view",
        "sentinels",
        "watched",
        "__weakref__",
    )

    def __init__(self) -> None:
        self.ident = next(_idents)
        self.worker: Any = None
        self.generation = -1
        self.locals: dict[_LocalImpl, dict[str, Any]] = {}
        self.handle: ThreadHandle | None = None
        self.view: Any = None  # threading's current_thread() object, made on demand
        self.sentinels: list[Lock] = []  # released when the thread ends (see `_set_sentinel`)
        self.watched = False  # its end is known when it happens (a GreenThread link)

    def done_handle(self) -> ThreadHandle:
        """A handle that is done when this green thread ends."""
        if self.handle is None:
            self.handle = ThreadHandle()
            self.handle._ident = self.ident
        return self.handle


def new_identity() -> Identity:
    """An identity for a green thread about to be started (bind it with `bind`)."""
    return Identity()


def bind(identity: Identity) -> None:
    """Make `identity` the calling green thread's."""
    worker = getcurrent()
    identity.worker = worker
    identity.generation = worker.generation
    setattr(worker, _ATTRIBUTE, identity)


def current_identity() -> Identity | None:
    """The calling green thread's identity (made on first use); None outside one."""
    current = getcurrent()
    if type(current) is not Worker:
        return None
    identity = getattr(current, _ATTRIBUTE, None)
    if identity is not None and identity.generation == current.generation:
        return identity  # type: ignore[no-any-return]
    return _adopt(current)


def get_ident() -> int:
    """The green thread's ident, or the OS thread's outside any green thread."""
    current = getcurrent()
    if type(current) is Worker:
        identity = getattr(current, _ATTRIBUTE, None)
        if identity is None or identity.generation != current.generation:
            identity = _adopt(current)
        return identity.ident  # type: ignore[no-any-return]
    return _real_get_ident()


# Identities of jobs with no GreenThread to tell us when they end, swept once their worker
# has moved on; the sweep runs when the list has doubled since the last one.
_unwatched: list[Identity] = []
_unwatched_guard = _thread.allocate_lock()
_sweep_at = 16


def _adopt(worker: Any) -> Identity:
    identity = Identity()
    identity.worker = worker
    identity.generation = worker.generation
    setattr(worker, _ATTRIBUTE, identity)
    thread = worker.green_thread
    if isinstance(thread, GreenThread) and not thread.ready():
        thread.link(_end_link, identity)
        identity.watched = True
    else:
        _watch_later(identity)
    return identity


def _end_link(_green_thread: GreenThread, identity: Identity) -> None:
    end_identity(identity)


def _watch_later(identity: Identity) -> None:
    global _sweep_at
    with _unwatched_guard:
        _unwatched.append(identity)
        if len(_unwatched) < _sweep_at:
            return
        live = [i for i in _unwatched if _alive(i)]
        ended = [i for i in _unwatched if not _alive(i)]
        _unwatched[:] = live
        _sweep_at = max(16, 2 * len(live))
    for old in ended:
        end_identity(old)


def _alive(identity: Identity) -> bool:
    worker = identity.worker
    return worker is not None and worker.generation == identity.generation


def end_identity(identity: Identity) -> None:
    """The green thread has ended: release its sentinels, mark its handle done, free its
    locals, and forget it on its worker."""
    sentinels, identity.sentinels = identity.sentinels, []
    for sentinel in sentinels:
        if sentinel.locked():
            sentinel.release()
    if identity.handle is not None:
        identity.handle._set_done()
    stored, identity.locals = identity.locals, {}
    for impl in stored:
        impl.identities.discard(identity)
    stored.clear()  # the values may be big: freed now, not when the identity is
    worker, identity.worker = identity.worker, None
    if worker is not None and getattr(worker, _ATTRIBUTE, None) is identity:
        setattr(worker, _ATTRIBUTE, None)


# --- threading.local ----------------------------------------------------------------------


class _LocalImpl:
    """A `local`'s per-thread storage: in each green thread's identity, or in a real
    thread-local object for code outside green threads."""

    __slots__ = ("args", "kwargs", "real", "identities", "__weakref__")

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.args = args
        self.kwargs = kwargs
        self.real = _RealLocal()
        self.identities: weakref.WeakSet[Identity] = weakref.WeakSet()

    def forget(self) -> None:
        """The local object is gone: drop its storage from the green threads still alive."""
        for identity in list(self.identities):
            identity.locals.pop(self, None)


_MISSING: Any = object()


def _class_attribute(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        found = klass.__dict__.get(name, _MISSING)
        if found is not _MISSING:
            return found
    return _MISSING


def _is_data_descriptor(attribute: Any) -> bool:
    kind = type(attribute)
    return hasattr(kind, "__set__") or hasattr(kind, "__delete__")


class local:  # noqa: N801 - the standard library's name
    """`_thread._local` per green thread: each green thread (and each OS thread, outside
    green threads) sees its own attributes; a subclass's `__init__` runs in each of them
    on first use, with the constructor's arguments. A green thread's attributes are freed
    when it ends.

    Attributes are looked up in the calling thread's own dictionary, never by swapping the
    object's `__dict__`, so real OS threads may use the same object at the same time.
    """

    __slots__ = ("_local__impl", "__weakref__")

    def __new__(cls, *args: Any, **kwargs: Any) -> local:
        if (args or kwargs) and cls.__init__ is object.__init__:
            raise TypeError("Initialization arguments are not supported")
        self = object.__new__(cls)
        impl = _LocalImpl(args, kwargs)
        object.__setattr__(self, "_local__impl", impl)
        weakref.finalize(self, impl.forget)
        _storage(impl, create=True)  # this thread's; the type call runs __init__ itself
        return self

    def __getattribute__(self, name: str) -> Any:
        storage = _thread_dict(self)
        if name == "__dict__":
            return storage
        cls = type(self)
        attribute = _class_attribute(cls, name)
        if attribute is not _MISSING and _is_data_descriptor(attribute):
            return type(attribute).__get__(attribute, self, cls)
        try:
            return storage[name]
        except KeyError:
            pass
        if attribute is _MISSING:
            raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}")
        getter = getattr(type(attribute), "__get__", None)
        return attribute if getter is None else getter(attribute, self, cls)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "__dict__":
            raise AttributeError(
                f"{type(self).__name__!r} object attribute '__dict__' is read-only"
            )
        storage = _thread_dict(self)
        attribute = _class_attribute(type(self), name)
        setter = getattr(type(attribute), "__set__", None) if attribute is not _MISSING else None
        if setter is not None:
            setter(attribute, self, value)
        else:
            storage[name] = value

    def __delattr__(self, name: str) -> None:
        if name == "__dict__":
            raise AttributeError(
                f"{type(self).__name__!r} object attribute '__dict__' is read-only"
            )
        storage = _thread_dict(self)
        attribute = _class_attribute(type(self), name)
        deleter = (
            getattr(type(attribute), "__delete__", None) if attribute is not _MISSING else None
        )
        if deleter is not None:
            deleter(attribute, self)
            return
        try:
            del storage[name]
        except KeyError:
            raise AttributeError(name) from None


def _storage(impl: _LocalImpl, create: bool) -> dict[str, Any] | None:
    identity = current_identity()
    if identity is None:
        storage = getattr(impl.real, "storage", None)
        if storage is None and create:
            storage = impl.real.storage = {}
        return storage
    storage = identity.locals.get(impl)
    if storage is None and create:
        storage = identity.locals[impl] = {}
        impl.identities.add(identity)
    return storage


def _thread_dict(obj: local) -> dict[str, Any]:
    impl: _LocalImpl = object.__getattribute__(obj, "_local__impl")
    storage = _storage(impl, create=False)
    if storage is not None:
        return storage
    storage = _storage(impl, create=True)
    assert storage is not None
    init: Callable[..., None] = type(obj).__init__
    if init is not object.__init__:
        try:
            init(obj, *impl.args, **impl.kwargs)
        except BaseException:
            _drop_storage(impl)
            raise
    return storage


def _drop_storage(impl: _LocalImpl) -> None:
    identity = current_identity()
    if identity is None:
        impl.real.storage = None
    else:
        identity.locals.pop(impl, None)
