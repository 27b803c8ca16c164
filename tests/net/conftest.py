from __future__ import annotations

import pytest

from .certs import make_self_signed


@pytest.fixture(scope="session")
def cert_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(certfile, keyfile) of a throwaway self-signed certificate for 127.0.0.1."""
    return make_self_signed(tmp_path_factory.mktemp("tls"))
