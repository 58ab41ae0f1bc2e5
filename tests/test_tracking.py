"""Tracking tokens and URLs printed in the receipt's QR code (kiosk/tracking.py)."""

import re

import pytest

from kiosk.tracking import make_token, tracking_url, verify_token

KEY = b"k" * 32
CODE = "000.31.05.H56-261123-0007"


def test_token_is_version_1_and_17_url_safe_characters():
    token = make_token(KEY, CODE)
    assert re.fullmatch(r"1[a-z2-7]{16}", token)
    assert make_token(KEY, CODE) == token  # deterministic: a reprint carries the same token


def test_genuine_token_verifies_also_upper_cased():
    token = make_token(KEY, CODE)
    assert verify_token(KEY, CODE, token)
    assert verify_token(KEY, CODE, token.upper())


@pytest.mark.parametrize(
    "code",
    ["000.31.05.H56-261123-0008", "000.31.05.H56-261123-000", CODE + " ", CODE.lower(), ""],
)
def test_token_of_another_code_fails(code):
    assert not verify_token(KEY, code, make_token(KEY, CODE))


def test_tampered_token_fails():
    token = make_token(KEY, CODE)
    for i in range(1, len(token)):
        flipped = "a" if token[i] != "a" else "b"
        assert not verify_token(KEY, CODE, token[:i] + flipped + token[i + 1:])
    assert not verify_token(KEY, CODE, token[:-1])
    assert not verify_token(KEY, CODE, token + "a")


def test_other_key_fails():
    assert not verify_token(b"other-key", CODE, make_token(KEY, CODE))


@pytest.mark.parametrize("version", ["0", "2", "9", "x", "="])
def test_unknown_version_fails(version):
    token = make_token(KEY, CODE)
    assert not verify_token(KEY, CODE, version + token[1:])


@pytest.mark.parametrize("token", ["", "1", "1ä" * 8, None, 12345, "1" + "=" * 16])
def test_malformed_token_fails_without_raising(token):
    assert not verify_token(KEY, CODE, token)


def test_empty_key_is_refused():
    with pytest.raises(ValueError):
        make_token(b"", CODE)
    with pytest.raises(ValueError):
        verify_token(b"", CODE, "1abc")


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
