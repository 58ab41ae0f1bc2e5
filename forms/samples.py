"""Realistic, valid sample values for any procedure: demo dossiers, tests and benchmarks use the same generator."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from forms import formengine
from forms import geo
from forms.model import Field, Procedure
from forms.validators import id_province_prefixes

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Công", "Quang", "Minh", "Thành")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Diệu", "Phương", "Hồng")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tuấn", "Việt")
GIVEN_FEMALE = ("Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Thảo", "Trang", "Yến")
HAMLETS = ("Thôn Đông", "Thôn Trung", "Xóm 3", "Tổ dân phố 5", "Ấp Bình Thạnh", "Bản Nà Lừa", "Thôn Giang Cao")


# Plausible text by what a field id says it holds, so demo dossiers read like real ones.
_TEXT_HINTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("issuer", "office", "court", "noi_dang_ky"), ("Cục Cảnh sát QLHC về TTXH", "UBND xã Tân Hưng", "Tòa án nhân dân khu vực 1 - Hà Nội", "UBND phường Ba Đình")),
    (("number", "book"), ("125/2024", "08", "2031", "45/TLKT")),
    (("facility",), ("Bệnh viện Đa khoa tỉnh", "Trạm y tế xã", "Bệnh viện Phụ sản Trung ương")),
    (("birth_place", "death_place", "home_town", "place"), ("xã Bát Tràng, Hà Nội", "phường Hoàn Kiếm, Hà Nội", "xã Tân Hưng, An Giang")),
    (("cause",), ("Bệnh già", "Bệnh tim mạch")),
    (("document_name",), ("Bằng tốt nghiệp trung học phổ thông", "Giấy khai sinh", "Sổ đỏ")),
    (("title",), ("Phó Chủ tịch UBND xã", "Công chức Tư pháp - Hộ tịch")),
    (("reason",), ("Ghi sai chính tả khi đăng ký", "Theo quyết định của cơ quan có thẩm quyền")),
    (("old_value",), ("Nguyễn Văn Anh",)),
    (("new_value",), ("Nguyễn Văn Ánh",)),
    (("item",), ("Họ, chữ đệm và tên", "Ngày sinh")),
    (("other", "notes", "substitute"), ("Giấy xác nhận của công an xã", "Không")),
)


def person_name(rng: random.Random, sex: str | None = None) -> str:
    female = (sex == "nu") if sex else rng.random() < 0.5
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{rng.choice(SURNAMES)} {middle} {given}"


def id_number(rng: random.Random, birth: date | None, sex: str | None) -> str:
    """A 12-digit personal number whose province, century/sex digit and year agree with the person."""
    prefix = rng.choice(sorted(id_province_prefixes()))
    year = birth.year if birth else rng.randint(1950, 2005)
    century_digit = (year // 100 - 19) * 2 + (1 if sex == "nu" else 0)
    return f"{prefix}{century_digit}{year % 100:02d}{rng.randint(0, 999_999):06d}"


def address(rng: random.Random) -> dict[str, str]:
    province = rng.choice(geo.provinces())
    commune = rng.choice(geo.communes(province.code))
    return {"line": f"Số {rng.randint(1, 200)}, {rng.choice(HAMLETS)}", "commune_code": commune.code, "province_code": province.code}


def _sex_of(field: Field, values: dict[str, Any]) -> str | None:
    ref = field.id_checks.get("sex") if field.id_checks else None
    value = values.get(ref) if ref else None
    return value if value in ("nam", "nu") else None


def _candidates(field: Field, values: dict[str, Any], rng: random.Random, today: date) -> list[Any]:
    kind, fid = field.type, field.id
    if kind in ("text", "longtext"):
        if "name" in fid or "ho_ten" in fid:
            return [person_name(rng)]
        if "time" in fid or "gio" in fid:
            return [f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", "08:30"]
        for hints, options in _TEXT_HINTS:
            if any(hint in fid for hint in hints):
                picked = list(options)
                rng.shuffle(picked)
                return picked + ["Nội dung mẫu", "12", "A1"]
        return ["Nội dung mẫu", "12", "A1", "1"]
    if kind == "number":
        low = int(field.min) if field.min is not None else 1
        high = int(field.max) if field.max is not None else max(low, 5)
        return [rng.randint(low, min(high, low + 4)), low, high]
    if kind == "date":
        spans = [rng.randint(1, 5), rng.randint(6, 30), rng.randint(400, 3000), rng.randint(7000, 20000), rng.randint(20000, 25000)]
        rng.shuffle(spans)
        return [(today - timedelta(days=d)).isoformat() for d in spans] + [today.isoformat()]
    if kind == "choice":
        choices = [c.value for c in field.choices if c.value != field.other_value]
        rng.shuffle(choices)
        if fid.endswith("nationality") or "quoc_tich" in fid:
            choices = ["VN"] + choices
        if "ethnicity" in fid or "dan_toc" in fid:
            choices = ["01"] + choices
        return choices[:8] + [c.value for c in field.choices]
    if kind == "multichoice":
        values_ = [c.value for c in field.choices if c.value != field.other_value]
        return [[], values_[:1], values_]
    if kind == "yesno":
        return [False, True] if rng.random() < 0.7 else [True, False]
    if kind == "id_number":
        birth_ref = field.id_checks.get("birth_date") if field.id_checks else None
        birth = values.get(birth_ref) if birth_ref else None
        birth_date = date.fromisoformat(birth) if isinstance(birth, str) else None
        return [id_number(rng, birth_date, _sex_of(field, values)) for _ in range(3)]
    if kind == "phone":
        return [f"0{rng.choice('3579')}{rng.randint(0, 99_999_999):08d}"]
    if kind == "email":
        return [f"congdan{rng.randint(1, 9999)}@example.vn"]
    if kind == "address":
        return [address(rng) for _ in range(2)]
    return [None]


def _fill(procedure: Procedure, fields: tuple[Field, ...], values: dict[str, Any], rng: random.Random, today: date) -> None:
    for field in fields:
        if not formengine.is_visible(procedure, field, values, today=today):
            continue
        if field.type == "attachment":
            continue
        if field.type == "group":
            items: list[dict[str, Any]] = []
            for _ in range(max(1, field.min_items or 0)):
                item: dict[str, Any] = {}
                for sub in field.fields:
                    for candidate in _candidates(sub, item, rng, today):
                        item[sub.id] = candidate
                        values[field.id] = items + [item]
                        errors = formengine.page_errors(procedure, procedure.page_of(field.id), values, today=today)
                        if not any(key.startswith(f"{field.id}[{len(items)}].{sub.id}") for key in errors):
                            break
                items.append(item)
            values[field.id] = items
            continue
        if field.id in values:
            continue
        for candidate in _candidates(field, values, rng, today):
            values[field.id] = candidate
            if formengine.field_error(procedure, field.id, values, today=today) is None:
                break
        if field.type == "text" and "name" not in field.id and not field.required and rng.random() < 0.3:
            values.pop(field.id, None)


def sample_values(procedure: Procedure, *, seed: int = 0, today: date | None = None) -> dict[str, Any]:
    """Valid values for every visible field (constraints included), filled page by page in form order."""
    rng = random.Random(seed)
    today = today or date.today()
    sex = rng.choice(("nam", "nu"))
    birth = today - timedelta(days=rng.randint(20 * 365, 70 * 365))
    values: dict[str, Any] = {
        "submitter_name": person_name(rng, sex),
        "submitter_sex": sex,
        "submitter_birth_date": birth.isoformat(),
        "submitter_id_number": id_number(rng, birth, sex),
        "submitter_phone": f"09{rng.randint(0, 99_999_999):08d}",
        "submitter_address": address(rng),
    }
    for _ in range(2):  # a second pass fills fields that became visible through later answers
        for page in formengine.visible_pages(procedure, values, today=today):
            _fill(procedure, page.fields, values, rng, today)
    return formengine.clean(procedure, values)
