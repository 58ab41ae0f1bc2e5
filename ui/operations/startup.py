"""Opening the data folder behind the login: import the core, fill the demo, provision, open (on the database worker)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ui.operations.op import Op

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
        from forms import geo
        from kiosk.storage.context import open_kiosk
        from kiosk.storage.provision import provision

        geo.communes("01")  # load the 2025 unit list here, not on the GUI thread at the first address field
        provision(root)  # first start of a per-site package (kiosk/storage/provision.py)
        return open_kiosk(root)

    return Op(work)


def import_core() -> None:
    """Import the core (SQLAlchemy, the models, the dossier modules: about a second on a slow PC) on the worker,
    while the login already takes keys.

    Only the core: the pages (Qt widget classes, and Qt's print, chart and camera modules they load) are imported
    on the GUI thread when the window builds them. Loading PySide6 classes on a worker while the GUI thread runs
    Qt crashed the process now and then (a segmentation fault importing ui/pages/paper.py, which loads
    QtPrintSupport); the pages cost about 0.2 s there.
    """
    import kiosk.dossier.overview  # noqa: F401
    import kiosk.dossier.search  # noqa: F401
    import kiosk.dossier.submit  # noqa: F401
    import kiosk.printed.load  # noqa: F401
    import kiosk.security.audit  # noqa: F401
    import kiosk.security.officers  # noqa: F401
    import kiosk.storage.context  # noqa: F401
