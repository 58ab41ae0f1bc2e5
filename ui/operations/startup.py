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
    """Import the core and the pages behind the login: on the worker, while the login already takes keys.

    Python imports are thread-safe and these modules create no widgets when imported, so the GUI thread
    later builds the pages from modules already loaded.
    """
    import kiosk.dossier.overview  # noqa: F401
    import kiosk.dossier.search  # noqa: F401
    import kiosk.dossier.submit  # noqa: F401
    import kiosk.printed.load  # noqa: F401
    import kiosk.security.audit  # noqa: F401
    import kiosk.security.officers  # noqa: F401
    import kiosk.storage.context  # noqa: F401
    import ui.pages.admin  # noqa: F401
    import ui.pages.dossier_list  # noqa: F401
    import ui.pages.home  # noqa: F401
    import ui.pages.queue  # noqa: F401
    import ui.pages.receipt  # noqa: F401
    import ui.pages.wizard  # noqa: F401
    import ui.window.sync_controller  # noqa: F401
    import ui.window.sync_status  # noqa: F401
