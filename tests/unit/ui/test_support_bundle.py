"""`kiosk-admin support-bundle`: logs, settings, versions and checks for a remote helper; no personal data, no secrets."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from datetime import date

from ui.admin.cli import main
from forms.text import fold


def test_the_support_bundle_holds_what_helps_and_no_personal_data(ctx, officer, site_dir, kiosk_log, tmp_path, capsys) -> None:
    from kiosk.dossier.submit import submit
    from kiosk.printed.load import load_receipt
    from forms.samples import sample_values

    procedure = ctx.catalogue.get("1.004873")
    values = sample_values(procedure, seed=9, today=date.today())
    code = submit(ctx, procedure=procedure, values=values, officer=officer).code
    load_receipt(ctx, code, actor="lan", reprint=False)
    secrets = [ctx.data_key.hex(), ctx.receipt_key.hex(), ctx.token_key.hex(), (site_dir / "keys" / "audit.key").read_bytes().hex()]
    ctx.close()

    out = tmp_path / "support.zip"
    assert main(["--data-dir", str(site_dir), "support-bundle", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"]
    with zipfile.ZipFile(out) as bundle:
        names = bundle.namelist()
        contents = {name: bundle.read(name) for name in names}
    assert {"versions.json", "settings.json", "doctor.json", "sync.json", "audit.json"} <= set(names)
    assert any(name.startswith("logs/kiosk.log") for name in names)
    assert not any(name.endswith((".db", ".key", ".json.dpapi")) or "attachments" in name or "backups" in name for name in names)
    version = json.loads(contents["versions.json"])
    assert version["schema"] and version["sqlcipher"] and version["app"]
    assert json.loads(contents["audit.json"])["ok"]
    assert code.encode() in contents["logs/kiosk.log"]  # the log names dossiers by code, which helps

    text = b"\n".join(contents.values()).decode("utf-8", "replace")
    folded = fold(text)
    name, id_number, phone = values["submitter_name"], values["submitter_id_number"], values["submitter_phone"]
    for secret in (name, unicodedata.normalize("NFD", name), id_number, phone, values["submitter_email"]):
        assert secret not in text
    assert fold(name) not in folded
    for key in secrets:
        assert key not in text and key.upper() not in text
