"""The procedure definitions in forms/ the portal knows and serves to kiosks (code, version, name, digest)."""

from __future__ import annotations

import functools
import logging

log = logging.getLogger("portal.service")  # one name for the whole layer: see portal/services/__init__.py


@functools.lru_cache(maxsize=1)
def catalogue() -> tuple[dict[str, str], ...]:
    """Every procedure version in forms/ that loads (code, version, name, digest), by code then version."""
    from forms.catalogue import load_catalogue

    loaded = load_catalogue()
    for error in loaded.errors:
        log.warning("procedure definition not served: %s", error)
    return tuple({"code": p.code, "version": p.version, "name": p.name, "digest": p.digest} for p in loaded.all_versions())


def procedure_name(code: str, version: str | None = None) -> str | None:
    entries = [p for p in catalogue() if p["code"] == code]
    exact = [p for p in entries if p["version"] == version]
    chosen = exact or entries[-1:]
    return chosen[0]["name"] if chosen else None
