"""Opening the data folder behind the login: import the core, fill the demo, provision, open (on the database worker)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ui.operations.op import Op

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from kiosk.storage.context import KioskContext


def open_data_folder(root: Path, *, demo: bool) -> Op[KioskContext]:
    """The officer can type while this runs (about a second on a slow PC); the failure is the message page's text."""

    def work() -> KioskContext:
        from kiosk.storage.paths import require_owner

        require_owner(root)  # before the demo or a package's provisioning writes anything there
        import_core()
        if demo:
            from kiosk.admin.demo import ensure_demo

            ensure_demo(root)
        from kiosk.storage.context import open_kiosk
        from kiosk.storage.provision import provision

        provision(root)  # first start of a per-site package (kiosk/storage/provision.py)
        return open_kiosk(root)

    return Op(work)


def import_core() -> None:
    """Import what opening the folder and checking a login need (SQLAlchemy, the models, the context, the officers:
    about half a second on a slow PC) on the worker, while the login already takes keys.

    The rest of the core (submit, search, the printed forms) comes after the folder is open (`preload_rest`): it was a
    third of the time before a login was accepted, and nothing before the login uses it.

    Only the core: the pages (Qt widget classes, and Qt's print, chart and camera modules they load) are imported
    on the GUI thread when the window builds them. Loading PySide6 classes on a worker while the GUI thread runs
    Qt crashed the process now and then (a segmentation fault importing ui/pages/paper.py, which loads
    QtPrintSupport); the pages cost about 0.2 s there.
    """
    import kiosk.security.officers  # noqa: F401
    import kiosk.storage.context  # noqa: F401


def preload_rest() -> threading.Thread:
    """Start importing the core modules the pages and the first dossier need, and sorting the 2025 unit list for the
    address pickers, on a thread of its own once the folder is open: not on the database worker, so a login typed
    now never waits behind it, and not on the GUI thread (nothing here touches Qt). The GUI thread building the
    pages meanwhile finds most of them loaded (or waits on Python's import lock for one being loaded)."""

    def work() -> None:
        try:
            from forms import geo

            geo.communes("01")  # the list sorted once here, not on the GUI thread at the first address field
            import kiosk.dossier.overview  # noqa: F401
            import kiosk.dossier.search  # noqa: F401
            import kiosk.dossier.submit  # noqa: F401
            import kiosk.printed.load  # noqa: F401
            import kiosk.security.audit  # noqa: F401
        except Exception:  # noqa: BLE001 - only a head start: whoever needs a module imports it again and sees the error
            log.exception("preloading the core failed")

    thread = threading.Thread(target=work, name="preload-core", daemon=True)
    thread.start()
    return thread
