"""TLS contexts after ``greenshift.runtime.monkey_patch()`` replaced ``ssl.SSLContext``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == [
        "greenshift.runtime.net.ssl",
        "CERT_OPTIONAL",
        "True",
        "TLSv1_2",
        "TLSv1_3",
        "True",
    ]
