"""Every way a talk with the portal can fail, as values carrying a plain Vietnamese message for the officer."""

from __future__ import annotations

from kiosk.errors import KioskError


class PortalError(KioskError):
    """A failed exchange with the portal; nothing it touched counts as delivered.

    `retry` says whether sending again later can help; `connectivity` whether the network (not this
    dossier) is the problem, so the rest of the pass should wait too.
    """

    retry = True
    connectivity = False


class NotConfigured(PortalError):
    retry = False
    connectivity = True

    def __init__(self, message: str = "Chưa cấu hình địa chỉ cổng dịch vụ công. Quản trị viên chạy: echo MÃ | kiosk-admin enrol --portal URL --code -") -> None:
        super().__init__(message)


class Unreachable(PortalError):
    connectivity = True

    def __init__(self, message: str = "Không kết nối được tới cổng dịch vụ công (mất mạng hoặc cổng tạm ngừng). Hồ sơ vẫn được lưu trên máy và sẽ tự gửi lại.") -> None:
        super().__init__(message)


class TLSFailure(Unreachable):
    def __init__(self) -> None:
        super().__init__(
            "Không xác thực được chứng chỉ bảo mật của cổng dịch vụ công. Hãy kiểm tra ngày giờ của máy; nếu vẫn lỗi, báo quản trị viên (chứng chỉ của tỉnh)."
        )


class PortalTimeout(PortalError):
    connectivity = True

    def __init__(self) -> None:
        super().__init__("Cổng dịch vụ công không trả lời kịp (mạng chậm hoặc chập chờn). Hồ sơ vẫn được lưu và sẽ được gửi lại.")


class NotThePortal(PortalError):
    """A captive portal, a proxy or anything else that is not the portal answered; never a success."""

    connectivity = True

    def __init__(self) -> None:
        super().__init__(
            "Mạng đang trả về một trang khác, không phải cổng dịch vụ công (ví dụ trang đăng nhập Wi-Fi). Hãy đăng nhập mạng rồi bấm “Đồng bộ ngay”."
        )


class Unauthorized(PortalError):
    retry = False
    connectivity = True

    def __init__(self) -> None:
        super().__init__("Máy chưa đăng ký hoặc thông tin đăng ký không đúng; hãy báo quản trị viên")


class Forbidden(PortalError):
    """403: the portal knows this kiosk but not for this unit or kiosk number (settings changed after enrolment)."""

    connectivity = True  # every dossier of this kiosk would get the same answer

    def __init__(self) -> None:
        super().__init__(
            "Cổng không nhận hồ sơ từ máy này: mã đơn vị hoặc số hiệu máy khác với lúc đăng ký. Hãy báo quản trị viên để đăng ký lại máy."
        )


class EnrolmentRefused(PortalError):
    retry = False

    def __init__(self) -> None:
        super().__init__("Mã đăng ký không đúng, đã hết hạn hoặc đã được dùng; hãy xin mã mới từ quản trị viên cổng.")


class Rejected(PortalError):
    """409 conflict or 422: sending the same bytes again cannot help; the officer must look."""

    retry = False

    def __init__(self, message: str, *, error: str = "") -> None:
        super().__init__(message)
        self.error = error


class MissingAttachments(PortalError):
    """409 missing_attachments: the portal lacks some files (e.g. it discarded a damaged one); upload and retry."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"Cổng chưa nhận đủ {len(missing)} tệp đính kèm; sẽ gửi lại tệp.")
        self.missing = missing


class ServerError(PortalError):
    def __init__(self, status: int) -> None:
        super().__init__(f"Cổng dịch vụ công đang gặp sự cố (mã {status}). Hồ sơ vẫn được lưu và sẽ được gửi lại sau.")
        self.status = status
        # 502/503/504 come from the portal's front (overloaded, restarting): the whole pass should wait.
        self.connectivity = status in (502, 503, 504)


class PortalStorageFull(PortalError):
    """507 from the portal itself: its disk (or quota) is full. Nothing of the chunk was kept; every dossier would get
    the same answer, so the pass stops and the queue waits for a later pass (docs/sync-protocol.md "Storage faults")."""

    connectivity = True

    def __init__(self) -> None:
        super().__init__("Cổng dịch vụ công báo lỗi (mã 507): cổng hết chỗ lưu trữ; hồ sơ sẽ được gửi lại.")


class AttachmentSizeConflict(PortalError):
    """409 size_conflict: the portal is receiving a file of this SHA-256 with another size (from another kiosk, or a
    mistake); that upload is not reset for this one, so this dossier waits and tries again later."""

    def __init__(self) -> None:
        super().__init__("Cổng đang nhận một tệp đính kèm trùng mã nhưng khác kích thước từ nơi khác; hồ sơ sẽ được gửi lại sau.")


class BadAnswer(PortalError):
    def __init__(self, why: str = "") -> None:
        super().__init__("Cổng trả lời không đúng định dạng; hồ sơ chưa được coi là đã gửi và sẽ được gửi lại.")
        self.why = why


class LocalFileMissing(PortalError):
    """An attachment is gone from (or damaged in) the kiosk's store: no retry can fix it."""

    retry = False

    def __init__(self, filename: str) -> None:
        super().__init__(f"Tệp đính kèm “{filename}” không còn nguyên vẹn trong kho của máy; hãy báo quản trị viên (khôi phục từ bản sao lưu).")
