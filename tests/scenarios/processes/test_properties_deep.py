"""The long property searches: the form engine and the wizard over every procedure, and hostile text through the
real submit and kiosk-admin. Moved from tests/test_properties.py; the fast searches (validators, text,
expressions) are in tests/unit/forms/test_properties.py."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from property_strategies import HOSTILE, FRAGMENTS, ANY_CHAR, TEXT, ANY, TODAY, SCALE, PURE, PROCEDURES, deep_list, samples, typed_value, no_swallowed_errors, assert_message
from conftest import open_raw_db
from forms import formengine
from forms import text
from forms.model import DocumentSpec, Page, Procedure
from forms.wizard import Wizard
from ui.admin.cli import main
from forms.timezone import VN_TZ
from kiosk.dossier.submit import submit
from kiosk.errors import KioskError
from kiosk.storage.models import Dossier
from kiosk.printed.load import load_receipt
from forms.samples import sample_values

ENGINE = settings(max_examples=int(80 * SCALE), deadline=None, database=None)
DB = settings(max_examples=int(60 * SCALE), deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])

VIETNAMESE = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


TEN_MB = "<script>alert(1)</script>" * 420_000  # 10.5 MB
# Hypothesis leaves surrogates (category Cs) out of text() unless asked.
# Built lazily: a strategy holding an int of 4,300+ digits cannot even be repr()'d.


@st.composite
def form_values(draw, proc: Procedure) -> dict:
    """A value dict over the procedure's real field ids (and junk keys): sometimes a valid sample, mutated."""
    fields = list(proc.top_fields())
    values = dict(samples(proc.code, draw(st.integers(0, 2)))) if draw(st.booleans()) else {}
    for field in draw(st.lists(st.sampled_from(fields), max_size=8)):
        values[field.id] = draw(st.one_of(ANY, typed_value(field)))
    for key in draw(st.lists(st.one_of(st.text(max_size=10), st.sampled_from(["__class__", "today", "changes[0].x"])), max_size=2)):
        values[key] = draw(ANY)
    return values


def field_paths(proc: Procedure, values: dict) -> list:
    """Every id field_error accepts for these values, plus unknown ones."""
    paths: list = [f.id for f in proc.top_fields()]
    for field in proc.top_fields():
        for sub in field.fields:
            paths += [sub.id, f"{field.id}[0].{sub.id}", f"{field.id}[5].{sub.id}", f"{field.id}[999999].{sub.id}"]
        items = values.get(field.id)
        if field.type == "group" and isinstance(items, list):
            paths += [f"{field.id}[{i}].{sub.id}" for i in range(len(items)) for sub in field.fields]
    return paths + ["", "khong_co", "x[0].y", None, 7, ("a",)]


def assert_errors(errors) -> None:
    assert isinstance(errors, dict)
    for key, message in errors.items():
        assert isinstance(key, str) and key
        assert isinstance(message, str) and message.strip(), (key, message)


def is_vietnamese(message: str) -> bool:
    return bool(message) and any(ch in VIETNAMESE for ch in message.lower()) and "Traceback" not in message


def utf8_text_everywhere(value) -> bool:
    """Every string in a stored value (keys included) encodes as UTF-8, as SQLite and the portal need."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack += list(item.keys()) + list(item.values())
        elif isinstance(item, (list, tuple)):
            stack += list(item)
    return True


# --- 1. validators --------------------------------------------------------------------------------

# --- 2. the form engine ---------------------------------------------------------------------------

@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.code)
@ENGINE
@given(data=st.data())
def test_form_engine_never_raises_on_any_values(proc: Procedure, data) -> None:
    values = data.draw(form_values(proc))
    today = data.draw(st.sampled_from([TODAY, None, dt.date(1900, 1, 1), dt.date(9999, 12, 31)]))
    with no_swallowed_errors():
        errors = formengine.validate(proc, values, today=today)
        assert_errors(errors)
        cleaned = formengine.clean(proc, values, today=today)
        assert isinstance(cleaned, dict)
        assert set(cleaned) <= {f.id for f in proc.top_fields()}
        for page in proc.pages:
            page_errs = formengine.page_errors(proc, page, values, today=today)
            assert_errors(page_errs)
            assert set(page_errs) <= set(errors)
            assert formengine.page_errors(proc, page.id, values, today=today) == page_errs
            assert isinstance(formengine.is_visible(proc, page, values, today=today), bool)
        assert_errors(formengine.page_errors(proc, data.draw(TEXT), values, today=today))
        for path in field_paths(proc, values):
            assert_message(formengine.field_error(proc, path, values, today=today))
            assert isinstance(formengine.is_visible(proc, path, values, today=today), bool)
        for field in proc.top_fields():
            formengine.coerce(field, values.get(field.id))
            assert isinstance(formengine.is_visible(proc, field, values, today=today), bool)
        pages = formengine.visible_pages(proc, values, today=today)
        assert all(isinstance(p, Page) for p in pages)
        docs = formengine.required_documents(proc, values, today=today)
        assert all(isinstance(d, DocumentSpec) for d in docs)
        received = data.draw(st.one_of(ANY, st.dictionaries(st.sampled_from([d.id for d in proc.documents] + ["x"]),
                                                                st.one_of(st.integers(-3, 5), ANY))))
        doc_errors = formengine.document_errors(proc, values, received, today=today)
        assert_errors(doc_errors)
        assert all(key.startswith("documents.") for key in doc_errors)
        # What passes validation must be storable as it is: JSON, UTF-8 text.
        if not formengine.validate(proc, cleaned, today=today):
            event("cleaned values valid")
            json.dumps(cleaned, allow_nan=False)
            assert utf8_text_everywhere(cleaned)


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.code)
def test_samples_are_valid_and_storable(proc: Procedure) -> None:
    for seed in range(3):
        values = samples(proc.code, seed)
        assert formengine.validate(proc, values, today=TODAY) == {}
        json.dumps(values, allow_nan=False)


@PURE
@given(proc=st.sampled_from(PROCEDURES), values=ANY, other=ANY)
def test_form_engine_accepts_anything_as_the_value_dict(proc: Procedure, values, other) -> None:
    with no_swallowed_errors():
        assert_errors(formengine.validate(proc, values))
        assert isinstance(formengine.clean(proc, values), dict)
        assert_errors(formengine.page_errors(proc, other, values))
        assert_message(formengine.field_error(proc, other, values))
        assert isinstance(formengine.is_visible(proc, other, values), bool)
        formengine.required_documents(proc, values)
        assert_errors(formengine.document_errors(proc, values, other))


# --- 3. the wizard --------------------------------------------------------------------------------

@st.composite
def wizard_steps(draw, proc: Procedure) -> list:
    fields = list(proc.top_fields())
    groups = [f for f in fields if f.type == "group"]
    paths = [f.id for f in fields] + [f"{g.id}[{i}].{s.id}" for g in groups for i in (0, 1, 3) for s in g.fields]
    plausible = st.sampled_from(fields).flatmap(lambda f: st.tuples(st.just("set"), st.just(f.id), typed_value(f)))
    step = st.one_of(
        st.tuples(st.just("set"), st.sampled_from(paths), ANY),
        plausible,
        plausible,
        st.tuples(st.just("set"), st.one_of(TEXT, st.integers(), st.none()), ANY),
        st.just(("next",)),
        st.just(("back",)),
    )
    if groups:
        step = st.one_of(step, st.tuples(st.just("add_item"), st.sampled_from([g.id for g in groups] + ["submitter_name", "x"])),
                         st.tuples(st.just("remove_item"), st.sampled_from([g.id for g in groups]), st.integers(-2, 4)))
    return draw(st.lists(step, max_size=25))


def assert_wizard_consistent(wizard: Wizard) -> None:
    """The screen shown is a visible one (a one-question page shares the screen of the page before it), and the
    page index drafts store is that screen's first page."""
    pages, screens = wizard.pages, wizard.screens
    index, shown = wizard.index, wizard.screen_index
    assert pages and screens, "every procedure has at least one visible page"
    assert [p.id for screen in screens for p in screen] == [p.id for p in pages]
    assert 0 <= shown < len(screens)
    assert wizard.page is not None and wizard.page.id == screens[shown][0].id == pages[index].id
    assert [f.id for f in wizard.page.fields] == [f.id for p in screens[shown] for f in p.fields]
    assert wizard.can_back == (shown > 0)
    assert wizard.is_last == (shown == len(screens) - 1)
    assert wizard.progress == f"Bước {shown + 1}/{len(screens)}"


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.code)
@ENGINE
@given(data=st.data())
def test_wizard_random_walk_stays_on_a_visible_page(proc: Procedure, data) -> None:
    start = dict(samples(proc.code, data.draw(st.integers(0, 2)))) if data.draw(st.booleans()) else None
    wizard = Wizard(proc, start, page_index=data.draw(st.one_of(st.integers(-3, 20), ANY)), today=TODAY)
    assert_wizard_consistent(wizard)
    with no_swallowed_errors():
        for step in data.draw(wizard_steps(proc)):
            if step[0] == "set":
                assert_message(wizard.set(step[1], step[2]))
            elif step[0] == "next":
                before, screens, expected = wizard.screen_index, wizard.screens, wizard.errors()
                result = wizard.next()
                assert_errors(result)
                assert result == expected
                assert wizard.screen_index == (before if result else min(before + 1, len(screens) - 1))
            elif step[0] == "back":
                before = wizard.screen_index
                moved = wizard.back()
                assert moved == (before > 0)
                assert wizard.screen_index == max(before - 1, 0)
            elif step[0] == "add_item":
                index = wizard.add_item(step[1])
                assert index is None or (isinstance(index, int) and wizard.values[step[1]][index] is not None)
            else:
                assert isinstance(wizard.remove_item(step[1], step[2]), bool)
            assert_wizard_consistent(wizard)
        assert_errors(wizard.validate())
        assert isinstance(wizard.clean(), dict)
        assert all(isinstance(d, DocumentSpec) for d in wizard.documents())


@pytest.mark.parametrize("proc", PROCEDURES, ids=lambda p: p.code)
def test_wizard_walks_a_valid_sample_to_the_last_page(proc: Procedure) -> None:
    wizard = Wizard(proc, samples(proc.code, 0), today=TODAY)
    for _ in range(len(proc.pages)):
        assert wizard.next() == {}
    assert wizard.is_last
    assert wizard.validate() == {}


# --- 4. expressions -------------------------------------------------------------------------------

# --- 5. hostile strings through submit ----------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(VN_TZ)


def _targets(proc: Procedure, values: dict) -> list[str]:
    """Every answered field of a valid sample: top-level ids, each group item's sub-fields, each address line."""
    found = []
    for field in proc.top_fields():
        value = values.get(field.id)
        if value is None:
            continue
        if field.type == "group":
            found += [f"{field.id}[{i}].{s.id}" for i, item in enumerate(value) for s in field.fields if s.id in item]
        elif field.type == "address":
            found.append(f"{field.id}.line")
        else:
            found.append(field.id)
    return found


def _replace(values: dict, target: str, hostile: str) -> dict:
    out = json.loads(json.dumps(values))
    if target.endswith(".line"):
        out[target[: -len(".line")]]["line"] = hostile
    elif (path := formengine.split_path(target)) is not None:
        out[path[0]][path[1]][path[2]] = hostile
    else:
        out[target] = hostile
    return out


def _read(values: dict, target: str):
    if target.endswith(".line"):
        return (values.get(target[: -len(".line")]) or {}).get("line")
    if (path := formengine.split_path(target)) is not None:
        items = values.get(path[0]) or []
        return items[path[1]].get(path[2]) if path[1] < len(items) else None
    return values.get(target)


def _text_like(proc: Procedure, target: str) -> bool:
    if target.endswith(".line"):
        return True
    path = formengine.split_path(target)
    field = proc.field(path[2] if path else target)
    return field.type in ("text", "longtext")


def dossier_count(site_dir: Path) -> int:
    connection = open_raw_db(site_dir)
    try:
        return connection.execute("SELECT count(*) FROM dossier").fetchone()[0]
    finally:
        connection.close()


def assert_database_sound(site_dir: Path) -> None:
    connection = open_raw_db(site_dir)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='dossier'").fetchone()
        connection.execute("SELECT count(*) FROM dossier").fetchone()
    finally:
        connection.close()


@cache
def _today_sample(code: str, seed: int, today: dt.date) -> str:
    proc = next(p for p in PROCEDURES if p.code == code)
    return json.dumps(sample_values(proc, seed=seed, today=today))


def submit_hostile(ctx, officer, site_dir: Path, proc: Procedure, target: str, hostile: str, seed: int = 0,
                   check_db: bool = True) -> str:
    """Submit a valid sample with one answer replaced; returns "stored" or "refused" after checking either outcome."""
    now = _now()
    values = _replace(json.loads(_today_sample(proc.code, seed, now.date())), target, hostile)
    with ctx.read() as session:
        before = session.scalar(select(func.count()).select_from(Dossier))
    try:
        result = submit(ctx, procedure=proc, values=values, officer=officer, now=now)
    except KioskError as exc:
        assert is_vietnamese(exc.message), exc.message
        assert len(exc.message) < 2000  # a 10 MB answer is not echoed back
        for key, message in exc.details.items():
            assert isinstance(key, str) and is_vietnamese(message), (key, message)
        with ctx.read() as session:
            assert session.scalar(select(func.count()).select_from(Dossier)) == before
        return "refused"
    with ctx.read() as session:
        stored = session.scalar(select(Dossier).where(Dossier.code == result.code)).values
    if _text_like(proc, target):
        expected = text.nfc(hostile).strip()
        assert expected == text.normalise(hostile)
        assert _read(stored, target) == (expected or None) or not formengine.is_visible(proc, target.removesuffix(".line"), stored)
    else:
        assert _read(stored, target) == _read(formengine.clean(proc, values), target)
    receipt = load_receipt(ctx, result.code, actor="t", reprint=False)
    assert receipt.dossier_code == result.code
    if target == "submitter_name":
        assert receipt.submitter_name == _read(stored, target)
    if check_db:
        assert_database_sound(site_dir)
    return "stored"


CORE_HOSTILE = ("<script>alert(1)</script>", "'; DROP TABLE dossier; --", '" OR 1=1 --', "x\x00y", "a\ud800b",
                "\u202eevil\u202c", "😀👨‍👩‍👧‍👦", "𝕏𠀀𨭎")


def test_hostile_strings_in_every_answer_of_every_procedure(ctx, officer, site_dir) -> None:
    """Every text answer of every procedure gets each core hostile string; every other answer gets two of the rest."""
    outcomes: dict[str, set[str]] = {}
    others = [h for h in HOSTILE if h not in CORE_HOSTILE]
    n = 0
    for proc in PROCEDURES:
        for target in _targets(proc, sample_values(proc, seed=0, today=_now().date())):
            if _text_like(proc, target):
                strings = CORE_HOSTILE + (others[n % len(others)],)
            else:
                strings = (HOSTILE[n % len(HOSTILE)], HOSTILE[(n + 1) % len(HOSTILE)])
            n += len(strings)
            for hostile in strings:
                outcome = submit_hostile(ctx, officer, site_dir, proc, target, hostile, check_db=False)
                outcomes.setdefault(hostile, set()).add(outcome)
    # SQL and markup are data: some field stores them verbatim; surrogates are never storable.
    assert "stored" in outcomes["'; DROP TABLE dossier; --"] and "stored" in outcomes["<script>alert(1)</script>"]
    assert outcomes["a\ud800b"] == {"refused"} and outcomes["\udfff"] == {"refused"}
    assert_database_sound(site_dir)


@DB
@given(data=st.data())
def test_random_hostile_text_in_random_answers(ctx, officer, site_dir, data) -> None:
    proc = data.draw(st.sampled_from(PROCEDURES))
    seed = data.draw(st.integers(0, 3))
    target = data.draw(st.sampled_from(_targets(proc, sample_values(proc, seed=seed, today=_now().date()))))
    hostile = data.draw(st.one_of(st.sampled_from(HOSTILE), st.lists(FRAGMENTS, min_size=1, max_size=6).map("".join),
                                  st.text(ANY_CHAR, min_size=1, max_size=40)))
    submit_hostile(ctx, officer, site_dir, proc, target, hostile, seed=seed)


@pytest.mark.parametrize("code, target", [("1.001193", "submitter_name"), ("1.004859", "change_reason")])
def test_ten_megabyte_answer_is_refused_as_too_long(ctx, officer, site_dir, code, target) -> None:
    proc = next(p for p in PROCEDURES if p.code == code)
    assert submit_hostile(ctx, officer, site_dir, proc, target, TEN_MB) == "refused"


# --- 6. the CLI's JSON file -----------------------------------------------------------------------

def _birth_values() -> dict:
    proc = next(p for p in PROCEDURES if p.code == "1.001193")
    return sample_values(proc, seed=7, today=_now().date())


def _json(values) -> bytes:
    return json.dumps(values, ensure_ascii=False).encode("utf-8")


BAD_FILES = {
    "invalid_utf8": lambda: b'{"submitter_name": "Nguy\xff\xfe\xc3n"}',
    "invalid_utf8_in_valid_answers": lambda: _json(_birth_values())[:-1] + b', "child_home_town": "\xed\xa0\x80"}',
    "truncated": lambda: _json(_birth_values())[:200],
    "empty": lambda: b"",
    "array": lambda: b"[1, 2, 3]",
    "string": lambda: b'"hello"',
    "ten_mb_string": lambda: _json({**_birth_values(), "submitter_name": TEN_MB}),
    "deep_lists": lambda: b'{"submitter_name": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "deep_dicts": lambda: b'{"submitter_name": ' + b'{"a": ' * 10_000 + b"1" + b"}" * 10_000 + b"}",
    "deep_but_decodable": lambda: _json({**_birth_values(), "submitter_address": deep_list(500)}),
    "huge_integer": lambda: b'{"copies_count": ' + b"9" * 5000 + b"}",
    "lone_surrogate_escape": lambda: _json({**_birth_values(), "submitter_name": "Nguy\\ud800n"}).replace(b"\\\\ud800", b"\\ud800"),
    "nan_number": lambda: _json(_birth_values())[:-1] + b', "copies_requested": true, "copies_count": NaN}',
    "documents_not_counts": lambda: _json({"values": _birth_values(), "documents": {"giay_to_tuy_than": "many"}}),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_cli_submit_refuses_bad_json_with_exit_2(ctx, officer, site_dir, tmp_path, capsys, case) -> None:
    data = tmp_path / "input.json"
    data.write_bytes(BAD_FILES[case]())
    before = dossier_count(site_dir)
    code = main(["--data-dir", str(site_dir), "submit", "--procedure", "1.001193", "--data", str(data)])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.err.startswith("Lỗi: ") and is_vietnamese(captured.err)
    assert "Traceback" not in captured.err and "không mong muốn" not in captured.err
    assert len(captured.err) < 5000
    assert dossier_count(site_dir) == before
    assert_database_sound(site_dir)


def test_cli_submit_refuses_a_folder_as_the_data_file(ctx, officer, site_dir, tmp_path, capsys) -> None:
    code = main(["--data-dir", str(site_dir), "submit", "--procedure", "1.001193", "--data", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.err.startswith("Lỗi: ") and "Traceback" not in captured.err


def test_cli_submit_still_accepts_a_valid_file(ctx, officer, site_dir, tmp_path, capsys) -> None:
    data = tmp_path / "input.json"
    data.write_bytes(_json(_birth_values()))
    before = dossier_count(site_dir)
    code = main(["--data-dir", str(site_dir), "submit", "--procedure", "1.001193", "--data", str(data)])
    assert code == 0, capsys.readouterr().err
    assert dossier_count(site_dir) == before + 1
