"""A test-only definition: an existing procedure with the representation block the 2025 forms add (the field ids
docs/receipt-2025.md names: channel, authorised_name, authorised_address, authorised_id_number, authorised_phone,
authorised_email, authorisation_paper), until the definition files carry it."""

from __future__ import annotations

import dataclasses

from forms.expr import parse
from forms.model import CHANNEL_LABELS, CHANNELS, Choice, Field, Page, Procedure


def with_representation(procedure: Procedure) -> Procedure:
    """``procedure`` with one more page: how the dossier was filed and, when by an authorised person, who."""
    by_proxy = parse("channel == 'authorised'")
    page = Page(
        id="nguoi_nop",
        title="Hình thức nộp",
        fields=(
            Field("channel", "Hình thức nộp hồ sơ", "choice", required=True, default="in_person",
                  choices=tuple(Choice(c, CHANNEL_LABELS[c]) for c in CHANNELS)),
            Field("authorised_name", "Họ tên người được ủy quyền", "text", required_if=by_proxy, visible_if=by_proxy),
            Field("authorised_address", "Địa chỉ người được ủy quyền", "address", visible_if=by_proxy),
            Field("authorised_id_number", "Số định danh cá nhân người được ủy quyền", "text", visible_if=by_proxy),
            Field("authorised_phone", "Số điện thoại", "text", visible_if=by_proxy),
            Field("authorised_email", "Email", "text", visible_if=by_proxy),
            Field("authorisation_paper", "Giấy tờ ủy quyền", "text", visible_if=by_proxy),
        ),
    )
    return dataclasses.replace(procedure, pages=(*procedure.pages, page))
