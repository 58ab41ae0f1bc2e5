"""Tracking tokens and URLs printed in the receipt's QR code (kiosk/tracking.py)."""

import re

import pytest

from kiosk.printed.token import make_token, public_key_of, tracking_url
from receipt_tokens import make_v1_token, verify_token

KEY = bytes(range(32))  # an Ed25519 seed (the kiosk's receipt key)
V1_KEY = b"k" * 32  # the HMAC key of receipts printed before signatures
CODE = "000.31.05.H56-261123-0007"


def test_token_is_version_2_and_104_url_safe_characters():
    token = make_token(KEY, CODE)
    assert re.fullmatch(r"2[a-z2-7]{103}", token)
    assert make_token(KEY, CODE) == token  # deterministic (Ed25519): a reprint carries the same token


def test_genuine_token_verifies_also_upper_cased():
    token = make_token(KEY, CODE)
    assert verify_token(KEY, CODE, token)
    assert verify_token(KEY, CODE, token.upper())


def test_old_version_1_receipts_still_verify():
    old = make_v1_token(V1_KEY, CODE)
    assert re.fullmatch(r"1[a-z2-7]{16}", old)
    assert verify_token(KEY, CODE, old, v1_key=V1_KEY)
    assert not verify_token(KEY, CODE, old)  # a v1 token is checked with the v1 key only


@pytest.mark.parametrize(
    "code",
    ["000.31.05.H56-261123-0008", "000.31.05.H56-261123-000", CODE + " ", CODE.lower(), ""],
)
def test_token_of_another_code_fails(code):
    assert not verify_token(KEY, code, make_token(KEY, CODE))


@pytest.mark.parametrize("maker", [make_token, make_v1_token])
def test_tampered_token_fails(maker):
    key = KEY if maker is make_token else V1_KEY
    token = maker(key, CODE)
    for i in range(1, len(token)):
        for replacement in "ab7":
            if token[i] != replacement:
                altered = token[:i] + replacement + token[i + 1:]
                assert not verify_token(KEY, CODE, altered, v1_key=V1_KEY), (i, replacement)
    assert not verify_token(KEY, CODE, token[:-1], v1_key=V1_KEY)
    assert not verify_token(KEY, CODE, token + "a", v1_key=V1_KEY)


def test_other_key_fails():
    assert not verify_token(bytes(32), CODE, make_token(KEY, CODE))


@pytest.mark.parametrize("version", ["0", "1", "3", "9", "x", "="])
def test_unknown_or_wrong_version_fails(version):
    token = make_token(KEY, CODE)
    assert not verify_token(KEY, CODE, version + token[1:], v1_key=V1_KEY)


@pytest.mark.parametrize("token", ["", "1", "2", "1ä" * 8, "2" + "ä" * 103, None, 12345, "1" + "=" * 16, "2" + "=" * 103])
def test_malformed_token_fails_without_raising(token):
    assert not verify_token(KEY, CODE, token, v1_key=V1_KEY)


def test_empty_key_is_refused():
    with pytest.raises(ValueError):
        make_token(b"", CODE)
    with pytest.raises(ValueError):
        verify_token(b"", CODE, "1abc")


def test_the_portal_verifies_what_the_kiosk_signs():
    """The portal's verifier (sync.wire) and the kiosk's signer agree (the contract of docs/receipt-token.md)."""
    from kiosk.printed import token as tracking
    from sync import wire

    assert wire.RECEIPT_MESSAGE_PREFIX == tracking.V2_MESSAGE_PREFIX
    token = make_token(KEY, CODE)
    public = public_key_of(KEY)
    assert wire.verify_receipt_token([public], CODE, token)
    assert wire.verify_receipt_token([bytes(32), public], CODE, token.upper())
    assert not wire.verify_receipt_token([public_key_of(bytes(32))], CODE, token)
    assert not wire.verify_receipt_token([public], CODE.replace("0007", "0008"), token)
    assert not wire.verify_receipt_token([public], CODE, make_v1_token(V1_KEY, CODE))


def test_tracking_url_shape():
    token = make_token(KEY, CODE)
    url = tracking_url("https://dichvucong.example.gov.vn/", CODE, token)
    assert url == f"https://dichvucong.example.gov.vn/tra-cuu/{CODE}?t={token}"
    local = tracking_url("http://127.0.0.1:8000", CODE, token)
    assert local.startswith("http://127.0.0.1:8000/tra-cuu/")
def test_tracking_url_keeps_a_base_path_and_quotes_odd_codes():
    url = tracking_url("https://portal.example.vn/motcua", "A B/../?x", "1abc")
    assert url == "https://portal.example.vn/motcua/tra-cuu/A%20B%2F..%2F%3Fx?t=1abc"


@pytest.mark.parametrize(
    "base", ["ftp://portal.example.vn", "portal.example.vn", "https://", "https://p.vn/?a=1"]
)
def test_tracking_url_refuses_bad_portal_address(base):
    with pytest.raises(ValueError):
        tracking_url(base, CODE, "1abc")
