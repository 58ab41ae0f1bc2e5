"""How the sync engine reads answers over real sockets: a portal that is not ours, a closed port, a timeout,
and no secret in the log after a failed send. Moved from tests/test_sync_unit.py."""

from __future__ import annotations

import logging
import socket

import pytest

from fault_proxy import FaultProxy


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("mode", "error"),
    [("captive", "NotThePortal"), ("http500", "ServerError"), ("http503", "ServerError"), ("reset_before", "Unreachable")],
)
def test_answers_that_are_not_the_portal_become_vietnamese_errors(mode: str, error: str) -> None:
    from sync import errors
    from sync.client import PortalClient

    with FaultProxy(f"http://127.0.0.1:{_closed_port()}") as proxy:
        proxy.set_fault(mode)
        with PortalClient(proxy.url, None, timeout=(2, 2)) as client:
            with pytest.raises(errors.PortalError) as caught:
                client.health()
    assert type(caught.value).__name__ == error
    assert caught.value.message and not caught.value.message.isascii()  # Vietnamese, for the officer


def test_unreachable_and_timeout_are_told_apart() -> None:
    from sync import errors
    from sync.client import PortalClient

    with PortalClient(f"http://127.0.0.1:{_closed_port()}", None, timeout=(2, 2)) as client:
        with pytest.raises(errors.Unreachable):
            client.health()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection (kernel backlog) and never answers
    try:
        with PortalClient(f"http://127.0.0.1:{silent.getsockname()[1]}", None, timeout=(2, 0.5)) as client:
            with pytest.raises(errors.PortalTimeout):
                client.health()
    finally:
        silent.close()


def test_no_secret_in_logs_after_enrolment_use(ctx, kiosk_log, caplog) -> None:
    from sync.credentials import Credentials, save_credentials
    from sync.engine import SyncEngine

    save_credentials(ctx.data, Credentials(f"http://127.0.0.1:{_closed_port()}", "k-9", "very-secret-token", "2026-11-22T00:00:00+00:00"))
    ctx.settings = ctx.settings.with_changes(portal_url="")
    with caplog.at_level(logging.DEBUG):
        SyncEngine(ctx).run_once(force=True)
    assert "very-secret-token" not in caplog.text
    assert "very-secret-token" not in kiosk_log.read_text(encoding="utf-8")
