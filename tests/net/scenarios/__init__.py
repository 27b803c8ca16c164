"""Network scenarios run under eventlet and under greenshift.runtime.net (see transcript_runner)."""

MODULES = ("sockets", "servers")
