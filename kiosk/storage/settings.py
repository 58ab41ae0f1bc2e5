"""Site settings, declared once (key, type, default, range, label) and validated at load with a clear message."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable

from forms.codes import UNIT_ID_MESSAGE, is_unit_id
from forms.prefill.defaults import KINH, check_ethnicity
from kiosk.errors import InputError, NotInitialisedError
from kiosk.storage.files import write_atomic

TIME_RE = re.compile(r"([01]\d|2[0-3]):[0-5]\d")

Check = Callable[[Any], "str | None"]


def _unit_id(value: Any) -> str | None:
    if not is_unit_id(value):
        return UNIT_ID_MESSAGE
    return None


def _commune(value: Any) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{5}", value):
        return "Mã xã phải gồm 5 chữ số (danh mục đơn vị hành chính 2025)."
    from forms import geo  # the 2025 unit list is only needed when a setting is validated

    if geo.commune(value) is None:
        return f"Không có xã/phường mã {value} trong danh mục đơn vị hành chính 2025."
    return None


def _optional_commune(value: Any) -> str | None:
    return None if value == "" else _commune(value)


def _kiosk_number(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 9:
        return "Số hiệu máy (kiosk) phải là số từ 1 đến 9: nó là chữ số đầu của số thứ tự trong mã hồ sơ."
    return None


def _url(value: Any) -> str | None:
    if value in ("", None):
        return None
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", value):
        return "Địa chỉ cổng dịch vụ công phải bắt đầu bằng https:// (http:// chỉ dùng cho cổng thử nghiệm nội bộ)."
    return None


def _public_key(value: Any) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        return "Phải là 64 chữ số hex thường (khóa Ed25519), hoặc để trống."
    return None


def _ca_bundle(value: Any) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str) or len(value) > 500:
        return "Phải là đường dẫn tới tệp chứng chỉ (PEM), tối đa 500 ký tự."
    if not Path(value).expanduser().is_file():
        return f"Không có tệp chứng chỉ {value}; để trống nếu cổng dùng chứng chỉ công cộng."
    return None


def _int_range(low: int, high: int) -> Any:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"Phải là số nguyên từ {low} đến {high}."
        return None

    return check


def _time(value: Any) -> str | None:
    if not isinstance(value, str) or not TIME_RE.fullmatch(value):
        return "Giờ phải có dạng HH:MM, ví dụ 07:30."
    return None


def _text(max_len: int, required: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "Giá trị phải là chuỗi ký tự."
        if required and not value.strip():
            return "Không được để trống."
        if len(value) > max_len:
            return f"Tối đa {max_len} ký tự."
        return None

    return check


def _serial_port(value: Any) -> str | None:
    """A serial port name: "COM3" on Windows, a device path such as /dev/ttyACM0 elsewhere; "" for none."""
    if not isinstance(value, str) or len(value) > 100 or any(ch.isspace() or ord(ch) < 32 for ch in value):
        return "Phải là tên cổng như COM3 hoặc /dev/ttyACM0 (không có khoảng trắng), hoặc để trống."
    return None


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "Giá trị phải là true hoặc false."


def _setting(default: Any, label: str, check: Check) -> Any:
    return field(default=default, metadata={"label": label, "check": check})


@dataclass(frozen=True)
class SiteSettings:
    """Everything site-specific; stored as settings.json in the data folder."""

    unit_id: str = _setting("", "Mã định danh đơn vị tiếp nhận", _unit_id)
    unit_name: str = _setting("", "Tên cơ quan tiếp nhận (ví dụ: UBND xã Tân Hưng)", _text(120, required=True))
    commune_code: str = _setting("", "Mã xã/phường (2025)", _commune)
    kiosk_number: int = _setting(1, "Số hiệu máy tiếp nhận (1–9)", _kiosk_number)
    portal_url: str = _setting("", "Địa chỉ cổng dịch vụ công", _url)
    catalogue_public_key: str = _setting(
        "", "Khóa công khai của cổng để kiểm tra chữ ký danh mục thủ tục (Ed25519, 64 chữ số hex; gắn sẵn trong gói cài đặt)", _public_key
    )
    portal_ca_bundle: str = _setting("", "Tệp chứng chỉ gốc (CA) của tỉnh cho kết nối tới cổng (để trống: chứng chỉ công cộng)", _ca_bundle)
    place_name: str = _setting("", "Địa danh ghi trên giấy tờ (để trống: tên xã)", _text(80))
    office_open: str = _setting("07:30", "Giờ mở cửa", _time)
    office_close: str = _setting("17:00", "Giờ đóng cửa (giờ hẹn trả kết quả)", _time)
    saturday_morning: bool = _setting(False, "Tiếp nhận sáng thứ Bảy", _bool)
    saturday_close: str = _setting("11:30", "Giờ kết thúc sáng thứ Bảy", _time)
    hotline: str = _setting("", "Số điện thoại đường dây nóng", _text(40))
    result_collection: str = _setting(
        "Bộ phận tiếp nhận và trả kết quả của UBND xã", "Nơi nhận kết quả", _text(200, required=True)
    )
    demo: bool = _setting(False, "Chế độ trình diễn (không đồng bộ)", _bool)
    idle_lock_minutes: int = _setting(5, "Tự khóa màn hình sau bao nhiêu phút không thao tác (1–120)", _int_range(1, 120))
    retention_days: int = _setting(
        30, "Xóa dữ liệu cá nhân sau bao nhiêu ngày kể từ khi hồ sơ đã gửi lên cổng và đã kết thúc (1–3650)", _int_range(1, 3650)
    )
    # Circular 03/2025's receipt has no "Liên" marker; sites that printed two marked copies keep doing so.
    # The default is what an upgraded site's settings.json (which lacks the key) means: True. `init_site`
    # writes False for a new site (docs/receipt-2025.md).
    receipt_copy_marker: bool = _setting(True, "In hai liên (Liên 1: Lưu, Liên 2: Giao người nộp) trên giấy tiếp nhận", _bool)
    # "Tiếp nhận và in giấy hẹn" prints this many copies on the default printer, without a dialog (docs/printing.md);
    # with the marker on, the first two are "Liên 1: Lưu" and "Liên 2: Giao người nộp".
    receipt_copies: int = _setting(2, "Số bản giấy tiếp nhận in ra khi tiếp nhận (1–4)", _int_range(1, 4))
    receipt_two_up: bool = _setting(False, "In hai bản giấy tiếp nhận (khổ A5) trên một tờ A4", _bool)
    scan_required: bool = _setting(
        False, "Bắt buộc quét giấy tờ nộp (đủ số trang) trước khi tiếp nhận", _bool
    )
    resolving_agency: str = _setting(
        "", "Cơ quan chủ trì giải quyết (để trống: theo danh mục thủ tục)", _text(300)
    )
    # What a new dossier starts with (docs/retyping.md): filled only where empty, never over a draft or a card.
    registration_place: str = _setting("", "Nơi đăng ký điền sẵn cho hồ sơ mới (để trống: tên cơ quan tiếp nhận)", _text(200))
    residence_commune: str = _setting(
        "", "Xã/phường cư trú chọn sẵn trong ô địa chỉ (mã 5 chữ số; để trống: xã của điểm tiếp nhận)", _optional_commune
    )
    default_ethnicity: str = _setting(KINH, "Dân tộc điền sẵn (mã theo danh mục: 01 Kinh, 02 Tày, 03 Thái, 08 Mông…)", check_ethnicity)
    # The citizen's rating screen (docs/counter-screens.md): 0 turns the main window to the citizen.
    large_text: bool = _setting(False, "Chữ lớn trên màn hình (cỡ chữ toàn bộ ứng dụng x1,25)", _bool)
    rating_screen: int = _setting(0, "Màn hình đánh giá của người dân (0: dùng màn hình chính; 1, 2…: màn hình phụ số)", _int_range(0, 8))
    # An ID-card QR scanner in USB-serial (CDC/COM) mode (docs/admin.md); "" when it types as a keyboard or is absent.
    scanner_port: str = _setting("", "Cổng máy quét mã QR thẻ căn cước ở chế độ COM (ví dụ COM3 hoặc /dev/ttyACM0; để trống nếu không dùng)", _serial_port)

    def errors(self) -> dict[str, str]:
        """Each invalid setting's key and its Vietnamese message."""
        found: dict[str, str] = {}
        for spec in fields(self):
            message = spec.metadata["check"](getattr(self, spec.name))
            if message:
                found[spec.name] = f"{spec.metadata['label']}: {message}"
        return found

    def with_changes(self, **changes: Any) -> "SiteSettings":
        return replace(self, **changes)


SETTING_KEYS = tuple(spec.name for spec in fields(SiteSettings))


def settings_from_dict(data: dict[str, Any], *, source: str = "settings") -> SiteSettings:
    """Build and validate; raises InputError naming the source and every bad key."""
    unknown = sorted(set(data) - set(SETTING_KEYS))
    if unknown:
        raise InputError(f"{source}: không có thiết lập tên {', '.join(unknown)}.")
    settings = SiteSettings(**data)
    problems = settings.errors()
    if problems:
        lines = "; ".join(f"{key} — {message}" for key, message in problems.items())
        raise InputError(f"{source}: thiết lập không hợp lệ: {lines}", details=problems)
    return settings


def load_settings(path: Path) -> SiteSettings:
    """Read settings.json; a missing file means the site was never initialised."""
    if not path.exists():
        raise NotInitialisedError(
            f"Chưa thiết lập điểm tiếp nhận trong {path.parent}. Chạy: kiosk-admin init --unit-id … (xem README)."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: không đọc được tệp thiết lập ({exc}).") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: tệp thiết lập phải là một đối tượng JSON.")
    return settings_from_dict(data, source=str(path))


def save_settings(path: Path, settings: SiteSettings) -> None:
    """Write atomically (temp file, fsync, rename) so a power cut never leaves half a file."""
    problems = settings.errors()
    if problems:
        raise InputError("; ".join(problems.values()), details=problems)
    write_atomic(path, json.dumps(asdict(settings), ensure_ascii=False, indent=2).encode("utf-8"))
