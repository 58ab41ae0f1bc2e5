"""canonical numbers: ID and phone numbers in their one canonical form, the search index rebuilt

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09

Until this schema the validator and the cleaner disagreed (issue 15, docs/canonical-forms.md): an ID number
pasted with no-break spaces ("0010\\u00a09901\\u00a02345") passed the validator, was stored as typed, cut to 12
characters in dossier.submitter_id_number and indexed with its spaces, so a search by "001099012345" missed it;
names with a typographic apostrophe (H’Bia) were not found by "h'bia" or "hbia". From this schema an ID
number is its ASCII digits and a phone number "0" + 9 digits (forms/text.py `canonical_id_number`,
`canonical_phone`), and the search key leaves apostrophes out. Here, for each dossier:

- received dossiers (not drafts, not purged): every ID and phone answer (top level and in group items) is put
  in canonical form in dossier.values, and dossier.submitter_id_number becomes the canonical ID number. A row
  with an answer whose canonical form is not whole (an ID number that is not 12 digits, or 9 for an old CMND;
  a phone that is not 0 + 9 digits: digits already lost) is left exactly as it is: `kiosk-admin doctor` lists
  it (kiosk/admin/uncanonical.py) for the officer to correct by amendment;
- the revision snapshots of outbox entries never sent (no frozen payload, not delivered) get the same
  canonical values, so what goes to the portal is that form. A frozen payload (the body of a revision that may
  already be at the portal, re-sent byte for byte) and a delivered revision are never rewritten;
- every dossier's search key is computed again (code, name, canonical ID number; apostrophes left out), drafts
  and rows left as they are included, and the FTS5 index of 0004 is rebuilt.

Which answers are ID or phone numbers: the field's type in the procedure definition stored with the dossier;
fields of the common blocks (not stored there) by their id, as every one of them is named: `…_id_number`,
`…_phone`. The rules are written out here rather than imported, so this migration keeps doing what it did when
it landed whatever the application's modules become. Frozen once landed: never edit it; add a new one.
"""
import json
import unicodedata

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_APOSTROPHES = frozenset("'\u2019\u2018\u201b\u02bc\u02bb\u02bd\u02b9\u0060\u00b4\u2032\u2035\uff07\ua78c\u055a")


def _digit(ch: str) -> str:
    value = None if ch.isascii() else unicodedata.decimal(ch, None)
    return ch if value is None else str(value)


def _compact(value) -> str:  # noqa: ANN001 - whatever a JSON answer holds
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return ""
    return "".join(
        _digit(ch) for ch in unicodedata.normalize("NFC", value)
        if not (ch.isspace() or ch in _INVISIBLE or ch == "\u2212" or unicodedata.category(ch) in ("Zs", "Pd"))
    )


def _id_number(value) -> str | None:  # noqa: ANN001
    """The canonical ID number, or None when it is not whole (12 digits, or 9 of an old CMND)."""
    digits = _compact(value)
    return digits if digits.isascii() and digits.isdigit() and len(digits) in (9, 12) else None


def _phone(value) -> str | None:  # noqa: ANN001
    """The phone number as 0 + 9 digits, or None when it has no such shape."""
    compact = _compact(value).replace(".", "").replace("\uff0e", "").replace("\uff0b", "+")
    if compact.startswith("+84"):
        rest = compact[3:]
    elif compact.startswith("84") and len(compact) == 11:
        rest = compact[2:]
    elif compact.startswith("0"):
        rest = compact[1:]
    else:
        return None
    return "0" + rest if len(rest) == 9 and rest.isascii() and rest.isdigit() else None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    kept = "".join(_digit(ch) for ch in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(ch) and ch not in _APOSTROPHES)
    return " ".join(kept.split())


def _kinds(definition) -> dict[str, str]:  # noqa: ANN001
    """{field id: type} of every field of a stored definition, group sub-fields included."""
    kinds: dict[str, str] = {}
    stack = [f for page in (definition or {}).get("pages", []) if isinstance(page, dict) for f in page.get("fields", [])]
    while stack:
        field = stack.pop()
        if not isinstance(field, dict):
            continue
        if isinstance(field.get("id"), str):
            kinds[field["id"]] = str(field.get("type"))
        stack.extend(field.get("fields") or [])
    return kinds


def _kind(field_id: str, kinds: dict[str, str]) -> str | None:
    if field_id in kinds:  # defined in the procedure itself: its type says
        return kinds[field_id] if kinds[field_id] in ("id_number", "phone") else None
    return "id_number" if field_id.endswith("_id_number") else "phone" if field_id.endswith("_phone") else None


def _canonical(values: dict, kinds: dict[str, str]) -> dict | None:
    """`values` with every ID and phone answer canonical; None when one of them is not whole."""
    def one(field_id: str, value):  # noqa: ANN001, ANN202
        kind = _kind(field_id, kinds)
        if kind is None or value is None or (isinstance(value, str) and not value.strip()):
            return value
        fixed = _id_number(value) if kind == "id_number" else _phone(value)
        if fixed is None:
            raise ValueError(field_id)
        return fixed

    try:
        out = {}
        for key, value in values.items():
            if isinstance(value, list):
                out[key] = [{k: one(k, v) for k, v in item.items()} if isinstance(item, dict) else item for item in value]
            else:
                out[key] = one(key, value)
        return out
    except ValueError:
        return None


def upgrade() -> None:
    bind = op.get_bind()
    kinds = {pid: _kinds(json.loads(d) if isinstance(d, str) else d)
             for pid, d in bind.execute(sa.text("SELECT id, definition FROM procedure"))}
    rows = bind.execute(sa.text(
        'SELECT id, procedure_id, code, lifecycle, "values", submitter_name, submitter_id_number, purged_at FROM dossier'
    )).all()
    canonical_of: dict[int, dict[str, str]] = {}
    for row in rows:
        values = json.loads(row.values) if isinstance(row.values, str) else (row.values or {})
        if row.purged_at is not None:
            key = _fold(row.code or "")
            bind.execute(sa.text("UPDATE dossier SET search_key = :k WHERE id = :id"), {"k": key, "id": row.id})
            continue
        column = row.submitter_id_number
        if row.lifecycle != "draft" and isinstance(values, dict):
            fixed = _canonical(values, kinds.get(row.procedure_id, {}))
            if fixed is not None:
                canonical_of[row.id] = kinds.get(row.procedure_id, {})
                column = _id_number(fixed.get("submitter_id_number"))
                if fixed != values:
                    bind.execute(sa.text('UPDATE dossier SET "values" = :v WHERE id = :id'),
                                 {"v": json.dumps(fixed), "id": row.id})
                values = fixed
        id_text = values.get("submitter_id_number") if isinstance(values, dict) else None
        id_key = _compact(id_text) if id_text is not None else ""
        name = str(values.get("submitter_name") or "") if isinstance(values, dict) else ""
        key = _fold(" ".join([row.code or "", name, id_key]))
        bind.execute(sa.text("UPDATE dossier SET search_key = :k, submitter_id_number = :c WHERE id = :id"),
                     {"k": key, "c": column, "id": row.id})
    entries = bind.execute(sa.text(
        "SELECT id, dossier_id, snapshot FROM outbox_entry WHERE dossier_id IS NOT NULL AND snapshot IS NOT NULL "
        "AND payload IS NULL AND state != 'delivered'"
    )).all()
    for entry in entries:
        if entry.dossier_id not in canonical_of:
            continue  # a draft cannot be queued; a row left as it is keeps its revisions as they are too
        snapshot = json.loads(entry.snapshot) if isinstance(entry.snapshot, str) else entry.snapshot
        fixed = _canonical(snapshot.get("values") or {}, canonical_of[entry.dossier_id])
        if fixed is not None and fixed != snapshot.get("values"):
            snapshot = {**snapshot, "values": fixed}
            bind.execute(sa.text("UPDATE outbox_entry SET snapshot = :s WHERE id = :id"),
                         {"s": json.dumps(snapshot), "id": entry.id})
    op.execute("INSERT INTO dossier_search(dossier_search) VALUES ('rebuild')")


def downgrade() -> None:
    """Nothing to undo: the canonical values are valid answers under the previous schema too."""
