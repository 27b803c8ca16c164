"""`awaitlet` from an eventlet greenthread: now part of the eventlet seam (`eventlet_hub`),
where eventlet's hub runs on the runtime's loop. Kept for code that imports these names."""

from __future__ import annotations

from greenshift.runtime.eventlet_hub import awaitlet_in_greenthread, in_eventlet_greenthread

__all__ = ["awaitlet_in_greenthread", "in_eventlet_greenthread"]
