"""The schema verdicts shipped with the program (forms/data/schema_accepted.json) are the ones JSON Schema gives now.

The catalogue skips validating a file whose exact bytes the same schema accepted when the program was built; a
stale list would only cost time, but it must never accept what the schema refuses. When the first test fails after
a definition or the schema changed, rewrite it: `python -m forms.catalogue --write-accepted`.
"""

import json
import shutil

from forms import catalogue
from forms.catalogue import ACCEPTED_PATH, accepted_verdicts, load_catalogue


def test_the_shipped_verdicts_are_what_the_schema_says_now() -> None:
    assert json.loads(ACCEPTED_PATH.read_text(encoding="utf-8")) == accepted_verdicts()


def test_a_changed_definition_is_validated_and_its_errors_reported(tmp_path) -> None:
    shipped = sorted(catalogue.PROCEDURES_DIR.glob("*.json"))[0]
    broken = json.loads(shipped.read_text(encoding="utf-8"))
    broken["processing_days"] = "ba ngày"  # the schema wants a number
    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures" / shipped.name).write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    loaded = load_catalogue(procedures_dir=tmp_path / "procedures")
    assert [e.field for e in loaded.errors] == ["processing_days"]
    assert loaded.all_versions() == []


def test_a_shipped_definition_copied_elsewhere_loads_the_same(tmp_path) -> None:
    shutil.copytree(catalogue.PROCEDURES_DIR, tmp_path / "procedures")
    copied = load_catalogue(procedures_dir=tmp_path / "procedures")
    assert copied.errors == []
    assert {(p.code, p.version, p.digest) for p in copied.all_versions()} == {(p.code, p.version, p.digest) for p in load_catalogue().all_versions()}
