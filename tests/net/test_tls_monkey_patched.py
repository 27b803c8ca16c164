"""TLS contexts after ``greenshift.runtime.monkey_patch()`` replaced ``ssl.SSLContext``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from .certs import make_self_signed

ROOT = Path(__file__).resolve().parents[2]


def run_patched(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a process of its own (it patches ssl for good); it must succeed."""
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert completed.returncode == 0, completed.stderr
    return completed


def test_context_settings_work_once_ssl_is_patched() -> None:
    # The standard setters call super(SSLContext, SSLContext) with the module's SSLContext,
    # the runtime's once patched: they must not call themselves forever.
    code = textwrap.dedent(
        """
        import greenshift.runtime
        greenshift.runtime.monkey_patch()
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.verify_mode = ssl.CERT_OPTIONAL
        context.options |= ssl.OP_NO_COMPRESSION
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.maximum_version = ssl.TLSVersion.TLSv1_3
        context.verify_flags = ssl.VERIFY_X509_STRICT
        print(type(context).__module__, context.verify_mode.name,
              bool(context.options & ssl.OP_NO_COMPRESSION), context.minimum_version.name,
              context.maximum_version.name, bool(context.verify_flags & ssl.VERIFY_X509_STRICT))
        """
    )
    completed = run_patched(code)
    assert completed.stdout.split() == [
        "greenshift.runtime.net.ssl",
        "CERT_OPTIONAL",
        "True",
        "TLSv1_2",
        "TLSv1_3",
        "True",
    ]


def test_wrap_ssl_builds_its_context_once_ssl_is_patched() -> None:
    # eventlet's wrap_ssl(sock, cert_reqs=...) builds a context itself: it must be one whose
    # setters work with ssl patched, whatever the runtime's own ssl module still holds.
    code = textwrap.dedent(
        """
        import greenshift.runtime
        greenshift.runtime.monkey_patch()
        import socket, ssl
        from greenshift.runtime.net import wrap_ssl
        sock = socket.socket()
        wrapped = wrap_ssl(sock, cert_reqs=ssl.CERT_REQUIRED)
        print(type(wrapped.context).__module__, wrapped.context.verify_mode.name)
        wrapped.close()
        """
    )
    completed = run_patched(code)
    assert completed.stdout.split() == ["greenshift.runtime.net.ssl", "CERT_REQUIRED"]


def test_a_patched_context_wraps_a_server_and_a_client_socket(tmp_path: Path) -> None:
    cert, key = make_self_signed(tmp_path)
    code = textwrap.dedent(
        f"""
        import greenshift.runtime
        greenshift.runtime.monkey_patch()
        import socket, ssl
        cert, key = {cert!r}, {key!r}
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(cert, key)
        client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client_context.check_hostname = False
        client_context.verify_mode = ssl.CERT_NONE

        def main():
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            server = server_context.wrap_socket(listener, server_side=True)
            answer = []

            def serve():
                conn, _ = server.accept()
                answer.append(conn.recv(5))
                conn.sendall(b"pong!")
                conn.close()

            thread = greenshift.runtime.spawn(serve)
            client = client_context.wrap_socket(
                socket.create_connection(server.getsockname())
            )
            client.sendall(b"ping!")
            reply = client.recv(5)
            thread.wait()
            return isinstance(client, ssl.SSLSocket), answer[0], reply

        print(greenshift.runtime.run(main))
        """
    )
    completed = run_patched(code)
    assert completed.stdout.strip() == "(True, b'ping!', b'pong!')"
