"""The form engine as plain Python: visibility, validation, cleaning and the documents checklist of one procedure.

The page flow over it is forms/wizard.py; the Qt UI only renders what these decide (STYLE.md habit 2).
Values are the raw answers as typed ({field_id: value}); nothing here raises on them, whatever they hold.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from forms import geo
from forms import validators
from forms.model import DocumentSpec, Field, Page, Procedure
from forms.evaluation import holds
from forms.text import canonical_id_number, fold, normalise

log = logging.getLogger(__name__)

MSG_INVALID = "Giá trị không hợp lệ."
MSG_UNKNOWN = "Trường này không có trong thủ tục."
MSG_CHOICE = "Lựa chọn không có trong danh sách."
MSG_YESNO = "Vui lòng chọn Có hoặc Không."
# A ceiling when the definition sets none: nobody types a novel into a form, and a pasted one
# should be refused rather than stored.
DEFAULT_MAX_LENGTH = {"text": 300, "longtext": 5000}
TEXT_TYPES = ("text", "longtext", "id_number", "phone", "email")
_PATH = re.compile(r"([a-z][a-z0-9_]*)\[([0-9]{1,6})\]\.([a-z][a-z0-9_]*)")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_YES = {"true", "1", "co", "yes", "x"}
_NO = {"false", "0", "khong", "no"}


ADDRESS_KEYS = ("line", "commune_code", "province_code")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- values -------------------------------------------------------------------------------------

def is_empty(field: Field, value: Any) -> bool:
    """Not answered: null, blanks, an empty list, or an address with every part blank."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    if isinstance(value, dict):
        if field.type == "address":
            return all(_blank(value.get(k)) for k in ADDRESS_KEYS)
        return len(value) == 0
    return False


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        # JSON cannot hold a Decimal; beyond 4,000 digits it stays one and check_storable refuses it.
        if value.is_finite() and value.adjusted() < 4000:
            return int(value) if value == value.to_integral_value() else float(value)
        return value
    if isinstance(value, str):
        raw = value.strip().replace(" ", "")
        if "," in raw and "." not in raw and raw.count(",") == 1:
            raw = raw.replace(",", ".")
        if re.fullmatch(r"[+-]?[0-9]{1,15}", raw):
            return int(raw)
        if re.fullmatch(r"[+-]?[0-9]{1,15}\.[0-9]{1,15}", raw):
            number = float(raw)
            return int(number) if number.is_integer() else number
    return value


def coerce(field: Field, value: Any) -> Any:
    """The typed value an expression sees: numbers as numbers, yes/no as bool, dates as ISO text."""
    if field.type == "number":
        return _number(value)
    if field.type == "yesno":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and len(value) < 10:
            key = fold(value)
            return True if key in _YES else False if key in _NO else (None if not key else value)
        return value
    if field.type == "date":
        parsed = validators.parse_date(value)
        return parsed.isoformat() if parsed else value
    if field.type == "group" and isinstance(value, list):
        return [{s.id: coerce(s, item.get(s.id)) for s in field.fields} if isinstance(item, dict) else item for item in value]
    return value


# --- visibility ---------------------------------------------------------------------------------

@dataclass
class _State:
    env: dict[str, Any]  # top-level field id -> typed value, None when hidden
    hidden: set[str]  # top-level field ids hidden (by their own condition or their page's)
    hidden_pages: set[str]


def _values(values: Any) -> Mapping:
    return values if isinstance(values, Mapping) else {}


def _state(proc: Procedure, values: Any, today: date | None) -> _State:
    values = _values(values)
    typed = {f.id: coerce(f, values.get(f.id)) for f in proc.top_fields()}
    hidden: set[str] = set()
    hidden_pages: set[str] = set()
    # Fixed point: hiding a field nulls it, which may hide others. The loader rejects cycles,
    # so this settles within (number of fields) rounds; the bound only guards against surprises.
    for _ in range(len(typed) + 2):
        env = {k: (None if k in hidden else v) for k, v in typed.items()}
        new_hidden, new_pages = set(), set()
        for page in proc.pages:
            page_on = holds(page.visible_if, env, today)
            shown = 0
            for f in page.fields:
                if page_on and holds(f.visible_if, env, today):
                    shown += 1
                else:
                    new_hidden.add(f.id)
            if not shown:
                new_pages.add(page.id)
        if new_hidden == hidden:
            hidden_pages = new_pages
            break
        hidden, hidden_pages = new_hidden, new_pages
    env = {k: (None if k in hidden else v) for k, v in typed.items()}
    return _State(env, hidden, hidden_pages)


def _item_scope(group: Field, item: Mapping, env: Mapping, today: date | None) -> tuple[dict, set[str]]:
    """Expression scope inside one group item: the item's sub-fields over the top-level fields."""
    typed = {s.id: coerce(s, item.get(s.id)) for s in group.fields}
    hidden: set[str] = set()
    for _ in range(len(typed) + 2):
        scope = {**env, **{k: (None if k in hidden else v) for k, v in typed.items()}}
        new_hidden = {s.id for s in group.fields if not holds(s.visible_if, scope, today)}
        if new_hidden == hidden:
            break
        hidden = new_hidden
    return {**env, **{k: (None if k in hidden else v) for k, v in typed.items()}}, hidden


def split_path(target: str) -> tuple[str, int, str] | None:
    """`group[2].field` as (group id, item index, field id); None for a plain field id."""
    m = _PATH.fullmatch(target)
    return (m[1], int(m[2]), m[3]) if m else None


def is_visible(proc: Procedure, field_or_page: Field | Page | str, values: Any, today: date | None = None) -> bool:
    """Whether a page, a field (object or id) or a group item's sub-field ("g[0].x") is shown."""
    state = _state(proc, values, today)
    if isinstance(field_or_page, Page):
        return field_or_page.id not in state.hidden_pages
    target = field_or_page.id if isinstance(field_or_page, Field) else field_or_page
    if not isinstance(target, str):
        return False
    if (path := split_path(target)) is not None:
        group_id, index, sub_id = path
        items = _values(values).get(group_id)
        group = proc.field(group_id)
        if group is None or group.type != "group" or group_id in state.hidden or group.subfield(sub_id) is None:
            return False
        if not isinstance(items, list) or index >= len(items) or not isinstance(items[index], Mapping):
            return False
        return sub_id not in _item_scope(group, items[index], state.env, today)[1]
    field = proc.field(target)
    if field is None:
        return False
    group = proc.group_of(target)
    if group is None:
        return target not in state.hidden
    return group.id not in state.hidden and holds(field.visible_if, state.env, today)


def visible_pages(proc: Procedure, values: Any, today: date | None = None) -> list[Page]:
    hidden = _state(proc, values, today).hidden_pages
    return [p for p in proc.pages if p.id not in hidden]


# --- validation ---------------------------------------------------------------------------------

def _check_type(field: Field, value: Any, scope: Mapping, today: date | None) -> str | None:
    t = field.type
    if t in TEXT_TYPES and not isinstance(value, str):
        if not (t in ("id_number", "phone") and isinstance(value, int) and not isinstance(value, bool)):
            return MSG_INVALID
    if t in ("text", "longtext"):
        max_length = field.max_length or DEFAULT_MAX_LENGTH[t]
        return validators.check_length(value, field.min_length, max_length) or (
            validators.check_pattern(value, field.pattern, field.pattern_message) if field.pattern else None)
    if t == "number":
        return validators.check_number(value, field.min, field.max, field.integer)
    if t == "date":
        return validators.check_date(value, not_future=field.not_future, min_date=field.min_date,
                                     max_date=field.max_date, today=today)
    if t == "choice":
        return None if isinstance(value, str) and field.choice(value) else MSG_CHOICE
    if t == "multichoice":
        if not isinstance(value, list) or not all(isinstance(v, str) and field.choice(v) for v in value):
            return MSG_CHOICE
        if len(set(value)) != len(value):
            return "Một lựa chọn được chọn hai lần."
        return validators.check_length(value, field.min_items, field.max_items)
    if t == "yesno":
        return None if isinstance(coerce(field, value), bool) else MSG_YESNO
    if t == "id_number":
        checks = field.id_checks
        return validators.check_id_number(
            value, birth_date=scope.get(checks["birth_date"]) if "birth_date" in checks else None,
            sex=scope.get(checks["sex"]) if "sex" in checks else None, today=today)
    if t == "phone":
        return validators.check_phone(value)
    if t == "email":
        return validators.check_email(value)
    if t == "address":
        return geo.check_address(value)
    if t == "attachment":
        return _check_attachments(field, value)
    if t == "group":
        return _check_items(field, value)
    return None


def _check_attachments(field: Field, value: Any) -> str | None:
    if not isinstance(value, list):
        return MSG_INVALID
    for item in value:
        if not (isinstance(item, Mapping) and isinstance(item.get("sha256"), str) and _SHA256.fullmatch(item["sha256"])
                and isinstance(item.get("filename"), str) and isinstance(item.get("mime"), str)
                and isinstance(item.get("size"), int) and not isinstance(item.get("size"), bool) and item["size"] >= 0):
            return "Tệp đính kèm không hợp lệ; hãy đính kèm lại."
    return validators.check_length(value, field.min_items, field.max_items)


def _check_items(group: Field, value: Any) -> str | None:
    if not isinstance(value, list):
        return MSG_INVALID
    noun = (group.item_label or "mục").lower()
    if group.min_items is not None and len(value) < group.min_items:
        return f"Cần ít nhất {group.min_items} {noun} (hiện có {len(value)})."
    if group.max_items is not None and len(value) > group.max_items:
        return f"Tối đa {group.max_items} {noun} (hiện có {len(value)})."
    return None


def _field_message(field: Field, value: Any, scope: Mapping, today: date | None) -> str | None:
    """The first problem with one visible field's value, in the order the officer should fix them."""
    try:
        if is_empty(field, value):
            required = field.required or (field.required_if is not None and holds(field.required_if, scope, today))
            if required:
                return validators.check_required(value) or validators.MSG_REQUIRED
            if field.min_items:
                return _check_items(field, value if isinstance(value, list) else [])  # min_items >= 1 asks for answers even when not required
            return None
        # A group's items are checked sub-field by sub-field, and cleaning keeps nothing else of them.
        message = (None if field.type == "group" else validators.check_storable(value)) or _check_type(field, value, scope, today)
        if message:
            return message
        for constraint in field.constraints:
            if not holds(constraint.expr, scope, today):
                return constraint.message
        return None
    except Exception:  # noqa: BLE001 - a checker bug must not take the form down with it
        log.exception("checking field %s failed", field.id)
        return MSG_INVALID


def field_error(proc: Procedure, field_id: str, values: Any, today: date | None = None) -> str | None:
    """The message to show under one field as the officer types (None when fine or hidden).

    `field_id` is a top-level id or a group item's sub-field path such as "changes[0].old_value".
    """
    values = _values(values)
    if not isinstance(field_id, str):
        return MSG_UNKNOWN
    state = _state(proc, values, today)
    if (path := split_path(field_id)) is not None:
        group_id, index, sub_id = path
        group = proc.field(group_id)
        sub = group.subfield(sub_id) if group is not None and proc.group_of(group_id) is None else None
        if sub is None:
            return MSG_UNKNOWN
        items = values.get(group_id)
        if group_id in state.hidden:
            return None
        if not isinstance(items, list) or index >= len(items):
            return "Mục này không tồn tại."
        if not isinstance(items[index], Mapping):
            return MSG_INVALID
        scope, hidden = _item_scope(group, items[index], state.env, today)
        return None if sub_id in hidden else _field_message(sub, items[index].get(sub_id), scope, today)
    field = proc.field(field_id)
    if field is None or proc.group_of(field_id) is not None:
        return MSG_UNKNOWN
    if field_id in state.hidden:
        return None
    return _field_message(field, values.get(field_id), state.env, today)


def _page_errors(proc: Procedure, page: Page, values: Mapping, state: _State, today: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if page.id in state.hidden_pages:
        return errors
    for field in page.fields:
        if field.id in state.hidden:
            continue
        value = values.get(field.id)
        if message := _field_message(field, value, state.env, today):
            errors[field.id] = message
        if field.type != "group" or not isinstance(value, list):
            continue
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                errors[f"{field.id}[{i}]"] = MSG_INVALID
                continue
            scope, hidden = _item_scope(field, item, state.env, today)
            for sub in field.fields:
                if sub.id not in hidden and (message := _field_message(sub, item.get(sub.id), scope, today)):
                    errors[f"{field.id}[{i}].{sub.id}"] = message
    return errors


def page_errors(proc: Procedure, page: Page | str, values: Any, today: date | None = None) -> dict[str, str]:
    """Errors of one page's visible fields, keyed by path ("child_name", "changes[0].old_value")."""
    values = _values(values)
    if isinstance(page, str):
        page = next((p for p in proc.pages if p.id == page), None)
    if not isinstance(page, Page):
        return {}
    return _page_errors(proc, page, values, _state(proc, values, today), today)


def validate(proc: Procedure, values: Any, today: date | None = None) -> dict[str, str]:
    """Errors of every visible field of every visible page (empty dict = valid)."""
    values = _values(values)
    state = _state(proc, values, today)
    errors: dict[str, str] = {}
    for page in proc.pages:
        errors.update(_page_errors(proc, page, values, state, today))
    return errors


# --- cleaning and documents ---------------------------------------------------------------------

def _clean_value(field: Field, value: Any) -> Any:
    value = normalise(value)
    if field.type == "address" and isinstance(value, dict):
        return {k: value[k] for k in ADDRESS_KEYS if k in value}
    if field.type in ("number", "yesno", "date"):
        return coerce(field, value)
    # ID and phone numbers: exactly the form their validator checked (forms/text.py, docs/canonical-forms.md).
    if field.type in ("phone", "id_number") and isinstance(value, (str, int)) and not isinstance(value, bool):
        return validators.normalise_phone(value) if field.type == "phone" else canonical_id_number(value)
    return value


def clean(proc: Procedure, values: Any, today: date | None = None) -> dict[str, Any]:
    """The answers to store: NFC and trimmed, typed, without hidden, empty or unknown fields."""
    values = _values(values)
    state = _state(proc, values, today)
    out: dict[str, Any] = {}
    for field in proc.top_fields():
        if field.id in state.hidden:
            continue
        value = values.get(field.id)
        if field.type == "group" and isinstance(value, list):
            items = []
            for item in value:
                if not isinstance(item, Mapping):
                    continue
                _, hidden = _item_scope(field, item, state.env, today)
                kept = {s.id: _clean_value(s, item.get(s.id)) for s in field.fields if s.id not in hidden}
                items.append({k: v for k, v in kept.items() if not is_empty(proc.field(k), v)})
            value = items
        else:
            value = _clean_value(field, value)
        if not is_empty(field, value):
            out[field.id] = value
    return out


def required_documents(proc: Procedure, values: Any, today: date | None = None) -> list[DocumentSpec]:
    """The documents checklist for these answers: every document whose condition holds."""
    env = _state(proc, values, today).env
    return [d for d in proc.documents if holds(d.visible_if, env, today)]


def document_errors(proc: Procedure, values: Any, received: Any, today: date | None = None) -> dict[str, str]:
    """Required documents not received (or received in too few copies), keyed "documents.<id>"."""
    received = received if isinstance(received, Mapping) else {}
    errors: dict[str, str] = {}
    for doc in required_documents(proc, values, today):
        if not doc.required:
            continue
        count = received.get(doc.id, 0)
        count = count if isinstance(count, int) and not isinstance(count, bool) else 0
        if count < 1:
            errors[f"documents.{doc.id}"] = f"Chưa nhận giấy tờ bắt buộc: {doc.name} ({doc.kind_label.lower()})."
        elif count < doc.quantity:
            errors[f"documents.{doc.id}"] = f"{doc.name}: cần {doc.quantity} bản, mới nhận {count}."
    return errors
