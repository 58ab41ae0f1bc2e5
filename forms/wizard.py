"""The reception wizard as plain Python: the form's pages, then the documents checklist, then the review before submit.

`Wizard` walks a procedure's visible pages; `Reception` adds the two steps after them (which documents
the checklist offers and in what quantity, what the review lists, the next/back rules between steps).
The Qt page (ui/pages/wizard.py) only renders what these decide and reads back what the officer ticked,
as Electrum's wizard is rendered by its Qt and QML front ends; tests step through it with plain dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from forms import geo
from forms.catalogue import DocumentSpec, Field, Page, Procedure
from forms.model import WAY_LABELS
from forms.formengine import (
    MSG_UNKNOWN,
    split_path,
    clean,
    document_errors,
    field_error,
    is_visible,
    page_errors,
    required_documents,
    validate,
    visible_pages,
)
from forms.received import ReceivedItem, default_item, quantities, received_items
from forms.text import normalise
from forms.validators import parse_date

__all__ = ["DOCUMENTS", "FORM", "REVIEW", "ChecklistItem", "Reception", "ReceivedItem", "Review", "Wizard", "screen_groups"]

FORM, DOCUMENTS, REVIEW = "form", "documents", "review"  # the steps, in order


# --- the form's pages ---------------------------------------------------------------------------

def is_one_question(page: Page) -> bool:
    """A page that asks one thing (its other fields, if any, appear only for some answers): the renderer shows it
    on the screen of the page before it instead of a screen of its own (issue 14; no definition changes)."""
    unconditional = [f for f in page.fields if f.visible_if is None]
    return len(unconditional) == 1 and unconditional[0].type != "group"


def screen_groups(proc: Procedure) -> tuple[tuple[Page, ...], ...]:
    """The procedure's pages in screens: each page with the one-question pages right after it (a one-question
    first page goes with the page after it). Fixed by the definition, so answers never regroup the screens."""
    groups: list[tuple[Page, ...]] = []
    for page in proc.pages:
        if groups and is_one_question(page):
            groups[-1] = groups[-1] + (page,)
        else:
            groups.append((page,))
    if len(groups) > 1 and len(groups[0]) == 1 and is_one_question(groups[0][0]):
        groups[0:2] = [groups[0] + groups[1]]
    return tuple(groups)


def merged_page(pages: tuple[Page, ...]) -> Page:
    """One screen's pages as one page: the first page's id and title, every page's fields in order."""
    if len(pages) == 1:
        return pages[0]
    first = pages[0]
    return Page(first.id, first.title, tuple(f for page in pages for f in page.fields), None, first.block)


class Wizard:
    """Screen-by-screen flow over a procedure's visible pages; refuses to advance past errors.

    A screen is one page, or a page with the one-question pages after it (`screen_groups`). `page` is the
    current screen as one page (what to render and validate), `sections` where each merged page starts.
    `index` stays a page index (the screen's first page among the visible pages): what drafts store.
    """

    def __init__(self, proc: Procedure, values: Mapping | None = None, page_index: int = 0, today: date | None = None):
        self.proc = proc
        self.today = today
        self.values: dict[str, Any] = dict(values) if isinstance(values, Mapping) else {}
        for field in proc.top_fields():
            if field.default is not None and field.id not in self.values:
                self.values[field.id] = normalise(field.default)  # a fresh copy, never the definition's
        self._groups = screen_groups(proc)
        pages = self.pages
        index = page_index if isinstance(page_index, int) and 0 <= page_index < len(pages) else 0
        self._page_id = pages[index].id if pages else None

    @property
    def pages(self) -> list[Page]:
        return visible_pages(self.proc, self.values, self.today)

    @property
    def screens(self) -> list[tuple[Page, ...]]:
        """The visible pages, screen by screen (a screen none of whose pages is visible is skipped)."""
        visible = {p.id for p in self.pages}
        screens = [tuple(p for p in group if p.id in visible) for group in self._groups]
        return [screen for screen in screens if screen]

    def _screen_index(self) -> int:
        """The screen holding the current page; if it was hidden by a change, the nearest visible one before it."""
        visible = {p.id for p in self.pages}
        shown = [any(p.id in visible for p in group) for group in self._groups]
        if not any(shown):
            return -1
        held = next((i for i, group in enumerate(self._groups) if any(p.id == self._page_id for p in group)), 0)
        before = [i for i in range(held + 1) if shown[i]]
        group_index = before[-1] if before else shown.index(True)
        return sum(shown[:group_index])

    @property
    def screen(self) -> tuple[Page, ...]:
        """The current screen's visible pages."""
        i = self._screen_index()
        return self.screens[i] if i >= 0 else ()

    @property
    def page(self) -> Page | None:
        """The current screen as one page (its pages' fields in order); None when no page is visible."""
        screen = self.screen
        return merged_page(screen) if screen else None

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(title, first field id) of each page merged into the current screen after its first."""
        return [(page.title, page.fields[0].id) for page in self.screen[1:] if page.fields]

    @property
    def index(self) -> int:
        screen = self.screen
        return 0 if not screen else [p.id for p in self.pages].index(screen[0].id)

    @property
    def screen_index(self) -> int:
        """The current screen's position among the visible screens (0 first)."""
        return max(self._screen_index(), 0)

    @property
    def can_back(self) -> bool:
        return self._screen_index() > 0

    @property
    def is_last(self) -> bool:
        return self._screen_index() >= len(self.screens) - 1

    @property
    def progress(self) -> str:
        return f"Bước {self._screen_index() + 1}/{max(len(self.screens), 1)}"

    def set(self, field_id: str, value: Any) -> str | None:
        """Store one answer (top-level id or "group[i].sub") and return its message, if any."""
        if not isinstance(field_id, str):
            return MSG_UNKNOWN
        if (path := split_path(field_id)) is not None:
            group_id, index, sub_id = path
            group = self.proc.field(group_id)
            if group is None or group.type != "group" or group.subfield(sub_id) is None:
                return MSG_UNKNOWN
            items = self.values.get(group_id)
            if not isinstance(items, list) or index >= len(items) or not isinstance(items[index], dict):
                return "Mục này không tồn tại."
            items[index][sub_id] = value
        else:
            field = self.proc.field(field_id)
            if field is None or self.proc.group_of(field_id) is not None:
                return MSG_UNKNOWN
            self.values[field_id] = value
        return field_error(self.proc, field_id, self.values, self.today)

    def add_item(self, group_id: str) -> int | None:
        """Append an empty item to a repeat group; returns its index (None if not a group or full)."""
        group = self.proc.field(group_id)
        if group is None or group.type != "group" or self.proc.group_of(group_id) is not None:
            return None
        items = self.values.get(group_id)
        if not isinstance(items, list):
            items = self.values[group_id] = []
        if group.max_items is not None and len(items) >= group.max_items:
            return None
        items.append({s.id: normalise(s.default) for s in group.fields if s.default is not None})
        return len(items) - 1

    def remove_item(self, group_id: str, index: int) -> bool:
        items = self.values.get(group_id)
        if self.proc.field(group_id) is None or not isinstance(items, list) or not isinstance(index, int) \
                or not 0 <= index < len(items):
            return False
        del items[index]
        return True

    def errors(self) -> dict[str, str]:
        return page_errors(self.proc, self.page, self.values, self.today) if self.page else {}

    def next(self) -> dict[str, str]:
        """Advance when the current screen is valid; else stay and return its errors."""
        errors = self.errors()
        if errors:
            return errors
        screens, index = self.screens, self._screen_index()
        if index < len(screens) - 1:
            self._page_id = screens[index + 1][0].id
        return {}

    def back(self) -> bool:
        screens, index = self.screens, self._screen_index()
        if index <= 0:
            return False
        self._page_id = screens[index - 1][0].id
        return True

    def go_to(self, page_id: str) -> bool:
        """Show the screen holding a visible page (the review's jump back); False if it is not a visible page."""
        if page_id not in {p.id for p in self.pages}:
            return False
        self._page_id = page_id
        return True

    def validate(self) -> dict[str, str]:
        return validate(self.proc, self.values, self.today)

    def clean(self) -> dict[str, Any]:
        return clean(self.proc, self.values, self.today)

    def documents(self) -> list[DocumentSpec]:
        return required_documents(self.proc, self.values, self.today)


# --- the steps after the form -------------------------------------------------------------------

@dataclass(frozen=True)
class ChecklistItem:
    """One line of the documents checklist: its text, whether it is ticked, and how it is (to be) received
    (`received`: as the officer left it, else as the definition lists it: its way, kind and quantity)."""

    id: str
    text: str
    quantity: int
    ticked: bool
    received: ReceivedItem = ReceivedItem()
    kind: str = ""  # the definition's kind, the default of a submitted item's


@dataclass(frozen=True)
class ReviewRow:
    label: str
    value: str  # as the officer and citizen read it; a repeat group's items are joined by "<br>" (markup)
    markup: bool = False


@dataclass(frozen=True)
class ReviewSection:
    title: str
    rows: tuple[ReviewRow, ...]
    page_id: str = ""  # the form page it lists: where "Sửa" on the review takes the officer (Reception.go_to)


@dataclass(frozen=True)
class ReviewDocument:
    name: str
    kind_label: str
    quantity: int
    way_text: str = ""  # "Nộp – Bản chính, 3 trang", "Xuất trình", "Khai thác CSDL (số …)"


@dataclass(frozen=True)
class Review:
    """What the review step lists: every visible answer by page, then the documents received."""

    procedure_name: str
    procedure_code: str
    sections: tuple[ReviewSection, ...]
    documents: tuple[ReviewDocument, ...]


def display_value(field: Field, value: Any) -> str:
    """A value as the officer and citizen read it on the review screen."""
    if value is None or value == "" or value == []:
        return "—"
    if field.type == "choice":
        choice = field.choice(value)
        return choice.label if choice else str(value)
    if field.type == "multichoice":
        return "; ".join((field.choice(v).label if field.choice(v) else str(v)) for v in value)
    if field.type == "yesno":
        return "Có" if value else "Không"
    if field.type == "date":
        parsed = parse_date(value)
        return parsed.strftime("%d/%m/%Y") if parsed else str(value)
    if field.type == "address" and isinstance(value, dict):
        return geo.format_address(value)
    if field.type == "attachment":
        return ", ".join(str(item.get("filename")) for item in value if isinstance(item, dict))
    if field.type == "group":
        parts = []
        for i, item in enumerate(value, 1):
            inner = "; ".join(f"{sub.label}: {display_value(sub, item.get(sub.id))}" for sub in field.fields)
            parts.append(f"{i}. {inner}")
        return "<br>".join(parts)
    return str(value)


def checklist_text(doc: DocumentSpec) -> str:
    """A checklist line: the document, how the definition lists it (its kind when it is submitted, else its way:
    an ID card the 2026 versions look up is not "Xuất trình"), and "nếu có" when it is not required."""
    listed = doc.kind_label if doc.way == "submitted" else WAY_LABELS.get(doc.way, doc.way)
    return f"{doc.name} ({listed})" + ("" if doc.required else " — nếu có")


class Reception:
    """One dossier at the counter: the form's pages (`form`), then the documents checklist, then the review.

    `next()` and `back()` take what the checklist shows ticked ({document id: ReceivedItem}, or a bare
    quantity meaning the item's listed way and kind) when the officer leaves the checklist; `received` keeps
    it, so going back and forth never loses a tick. `scan_required` is the site's rule for scans
    (forms.received.scan_error): a partial set of scans is refused either way.
    """

    def __init__(self, proc: Procedure, values: Mapping | None = None, page_index: int = 0, today: date | None = None,
                 *, scan_required: bool = False):
        self.proc = proc
        self.form = Wizard(proc, values, page_index, today)
        self.step = FORM
        self.scan_required = scan_required
        self.received: dict[str, ReceivedItem] = {}

    @property
    def values(self) -> dict[str, Any]:
        return self.form.values

    @property
    def can_back(self) -> bool:
        return self.step != FORM or self.form.can_back

    def next(self, received: Mapping[str, ReceivedItem | int] | None = None) -> dict[str, str]:
        """Move one step on; else stay and return what stops it (the page's errors, or the documents missing).

        From the last form page the next step is the checklist; from the checklist, the review. On the review
        there is nothing further here: the dossier is ready to submit (`values`, `received`).
        """
        if self.step == FORM:
            was_last = self.form.is_last
            errors = self.form.next()
            if errors:
                return errors
            if was_last:
                self.step = DOCUMENTS
            return {}
        if self.step == DOCUMENTS:
            ticked, errors = received_items(self.proc, dict(received or {}), scan_required=self.scan_required)
            errors = {**document_errors(self.proc, self.values, quantities(ticked), self.form.today), **errors}
            if errors:
                return errors
            self.received = ticked
            self.step = REVIEW
        return {}

    def back(self, received: Mapping[str, ReceivedItem | int] | None = None) -> bool:
        """One step back: review → checklist (as ticked), checklist → the last form page, else the page before."""
        if self.step == REVIEW:
            self.step = DOCUMENTS
            return True
        if self.step == DOCUMENTS:
            self.received, _errors = received_items(self.proc, dict(received or {}), scan_required=self.scan_required)
            self.step = FORM
            return True
        return self.form.back()

    def go_to(self, page_id: str) -> bool:
        """From the review, back to one form page to correct it (the checklist's ticks are kept in `received`);
        "Tiếp tục" then walks the pages after it, the checklist and the review again."""
        if self.step != REVIEW or not self.form.go_to(page_id):
            return False
        self.step = FORM
        return True

    def checklist(self) -> list[ChecklistItem]:
        """The documents these answers call for; ticked and counted as the officer left them, else the listed quantity."""
        previous = self.received
        lines = []
        for doc in required_documents(self.proc, self.values, self.form.today):
            item = previous.get(doc.id) or default_item(doc)
            lines.append(ChecklistItem(doc.id, checklist_text(doc), item.quantity or doc.quantity, doc.id in previous, item, doc.kind))
        return lines

    def review(self) -> Review:
        values = self.values
        sections = []
        for page in visible_pages(self.proc, values, self.form.today):
            rows = tuple(
                ReviewRow(field.label, display_value(field, values.get(field.id)), field.type == "group")
                for field in page.fields
                if is_visible(self.proc, field, values, self.form.today)
            )
            sections.append(ReviewSection(page.title, rows, page.id))
        names = {doc.id: doc for doc in self.proc.documents}
        documents = tuple(
            ReviewDocument(names[doc_id].name, names[doc_id].kind_label, item.quantity, item.describe(names[doc_id]))
            for doc_id, item in self.received.items()
        )
        return Review(self.proc.name, self.proc.code, tuple(sections), documents)
