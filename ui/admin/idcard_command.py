"""`kiosk-admin id-card (--text - | --image FILE)`: read a chip ID card's QR and print what it pre-fills (docs/id-card.md).

Registered by ui.admin.cli.build_parser. The payload comes from standard input, never from argv, so it stays out
of shell history and the process list; an image is decoded by the receipt look-up's zxing-cpp decoder. Nothing is
written and nothing opens the data folder: the command shows what the counter would take from the card.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # the card reader is imported when the command runs, not by `kiosk-admin --help` or other commands
    from forms.idcard.payload import IdCard, NotACard

EXIT_OK, EXIT_NOT_A_CARD = 0, 2

MSG_NO_QR = "Không tìm thấy mã QR trong ảnh. Hãy chụp rõ, đủ sáng và thẳng góc mã QR trên thẻ căn cước."
MSG_RETYPE = "Họ tên không có dấu (máy quét ở chế độ bàn phím có thể đã bỏ dấu): hãy nhập lại theo thẻ."
MSG_UNSIGNED = "Mã QR không có chữ ký số: chỉ dùng để điền sẵn, cán bộ đối chiếu với thẻ."


def read_payload(args: argparse.Namespace) -> IdCard | NotACard:
    """The parsed card from standard input or from the image's QR codes (the first one that is a card)."""
    from forms.idcard.payload import IdCard, NotACard, parse_payload

    if args.image is None:
        return parse_payload(sys.stdin.read())
    from kiosk.dossier.lookup import decode_image
    from kiosk.errors import InputError

    path = Path(args.image)
    try:
        texts = decode_image(path)
    except InputError as exc:  # the look-up's message names the receipt; this one names the card (exit 2 either way)
        raise InputError(f"Không đọc được ảnh {path.name}: hãy chọn tệp ảnh PNG hoặc JPG chụp mã QR trên thẻ căn cước.") from exc
    if not texts:
        return NotACard(MSG_NO_QR)
    results = [parse_payload(text) for text in texts]
    cards = [r for r in results if isinstance(r, IdCard)]
    if cards:
        return cards[0]
    # A card-shaped code with a bad field says more than "not a card" about a second code on the same photo.
    return next((r for r in results if isinstance(r, NotACard) and r.looks_like_a_card), results[0])


def with_mapped_address(payload: dict[str, Any], card: IdCard) -> dict[str, Any]:
    """The residence mapped to the 2025 units (forms/idcard/address.py) joins the output as `address_2025`:
    the street line, the candidates (one when certain, several for a split commune), or the reason it is unknown."""
    from forms.idcard.address import map_old_address

    mapping = map_old_address(card.residence)
    candidates = [
        {"commune_code": c.commune_code, "commune": c.commune_name, "province_code": c.province_code, "province": c.province_name}
        for c in mapping.candidates
    ]
    text = "; hoặc ".join(f"{mapping.line + ', ' if mapping.line else ''}{c['commune']}, {c['province']}" for c in candidates)
    return payload | {
        "address_2025": {"line": mapping.line, "old_units": mapping.old_units, "candidates": candidates, "reason": mapping.reason},
        "address_2025_text": text or f"(chưa xác định: {mapping.reason})",
    }


def card_text(card: IdCard, payload: dict[str, Any]) -> str:
    """The human output: one labelled line per field, then the warnings the officer must act on."""
    from forms.idcard.payload import FIELD_LABELS, name_lacks_diacritics

    lines = [
        f"{FIELD_LABELS['number']}: {card.number}",
        f"{FIELD_LABELS['old_number']}: {card.old_number or '(không có)'}",
        f"{FIELD_LABELS['full_name']}: {card.full_name}",
        f"{FIELD_LABELS['birth_date']}: {card.birth_date:%d/%m/%Y}",
        f"{FIELD_LABELS['sex']}: {card.sex_label}",
        f"{FIELD_LABELS['residence']}: {card.residence}",
    ]
    if payload.get("address_2025_text"):
        lines.append(f"Địa chỉ theo đơn vị hành chính 2025: {payload['address_2025_text']}")
    lines.append(f"{FIELD_LABELS['issue_date']}: {card.issue_date:%d/%m/%Y}" if card.issue_date else f"{FIELD_LABELS['issue_date']}: (không có)")
    if name_lacks_diacritics(card.full_name):
        lines.append(f"Cảnh báo: {MSG_RETYPE}")
    lines.append(MSG_UNSIGNED)
    return "\n".join(lines)


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `id-card` with `add(name, handler, help)` of build_parser."""

    def cmd_id_card(args: argparse.Namespace, out: Any) -> int:
        from forms.idcard.payload import FIELD_LABELS, NotACard, describe

        result = read_payload(args)
        if isinstance(result, NotACard):
            payload = describe(result)
            if out.as_json:
                out.emit(payload, "")
            else:
                print(f"Lỗi: {result.message}", file=sys.stderr)
                for key, message in result.problems:
                    print(f"  - {FIELD_LABELS[key]}: {message}", file=sys.stderr)
            return EXIT_NOT_A_CARD
        payload = with_mapped_address(describe(result), result)
        out.emit(payload, card_text(result, payload))
        return EXIT_OK

    p = add("id-card", cmd_id_card, "đọc mã QR trên thẻ căn cước (từ đầu vào chuẩn hoặc ảnh) và in các trường điền sẵn")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", choices=["-"], help="đọc nội dung mã QR từ đầu vào chuẩn (stdin), không bao giờ từ dòng lệnh")
    source.add_argument("--image", metavar="FILE", help="ảnh PNG/JPG chụp mã QR trên thẻ")
