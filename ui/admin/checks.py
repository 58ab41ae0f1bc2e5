"""The doctor's checks assembled once: the core's (kiosk/admin/doctor.py), the portal's (sync/doctor.py) and
the printers' (ui/printing, which needs Qt), for `kiosk-admin doctor` and `kiosk-admin support-bundle`."""

from __future__ import annotations

from pathlib import Path

from kiosk.admin.doctor import Finding, run_checks


def health_findings(root: Path) -> list[Finding]:
    """Every check that can run on the data folder at `root`; Qt is loaded only for the printer check."""
    from sync.doctor import portal_checks
    from ui.printing.printers import printer_checks

    return run_checks(root, extra_checks=(portal_checks, lambda _ctx: printer_checks()))
