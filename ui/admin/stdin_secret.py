"""Secrets reach kiosk-admin on standard input, never on its command line (docs/security.md, "Secrets").

A command line is public on the machine: every local account reads it with `ps` or /proc/<pid>/cmdline,
and shells keep it in their history. So the PIN (`officer add`), the key passphrase (`key backup/restore`)
and the enrolment code (`enrol --code -`) are read from stdin, one line.
"""

from __future__ import annotations

import sys

from kiosk.errors import InputError

STDIN = "-"


def stdin_line() -> str:
    """One line from standard input without its line ending ("" at end of input)."""
    return sys.stdin.readline().rstrip("\r\n")


def enrolment_code(value: str) -> str:
    """The enrolment code for `enrol --code VALUE`: VALUE must be "-" and the code is read from stdin.

    A code typed on the command line is refused before anything is sent: it would be visible to every
    local account while the command runs, and it grants a portal identity until it is used.
    """
    if value != STDIN:
        raise InputError(
            "Không nhận mã đăng ký trên dòng lệnh: mọi tài khoản trên máy đều xem được dòng lệnh (ps). "
            "Hãy đưa mã qua đầu vào chuẩn: echo MÃ | kiosk-admin enrol --portal URL --code - "
            "(The enrolment code is refused on the command line, where every local account can read it; "
            "pass it on stdin: echo CODE | kiosk-admin enrol --portal URL --code -)"
        )
    code = stdin_line().strip()
    if not code:
        raise InputError("Chưa có mã đăng ký trên đầu vào chuẩn: echo MÃ | kiosk-admin enrol --portal URL --code -")
    return code
