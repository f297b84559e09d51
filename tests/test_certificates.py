"""Certificates: only after both evaluations; the signed credential verifies and tampering is caught."""

import json

import pytest

from sets_courseware.assessment import AssessmentService
from sets_courseware.certificates import issue, verify
from sets_courseware.content import banks, load_keys
from sets_courseware.errors import AttemptError, SetsError
from sets_courseware.store import Store


def test_issue_verify_and_tamper(mini, tmp_path):
    svc = AssessmentService(Store(f"sqlite:///{tmp_path / 'c.sqlite'}"))
    keys = load_keys()
    with pytest.raises(AttemptError, match="must be submitted"):
        issue("Éloïse", "3", tmp_path / "out", tmp_path / "signing", svc)
    qs = banks().module_questions("3.2")
    svc.save("Éloïse", "3", "initial", qs[0].id, keys[qs[0].id].answer)
    svc.submit("Éloïse", "3", "initial")
    for q in qs:
        svc.save("Éloïse", "3", "final", q.id, keys[q.id].answer)
    svc.submit("Éloïse", "3", "final")
    done = issue("Éloïse", "3", tmp_path / "out", tmp_path / "signing", svc)
    assert done.pdf_path.read_bytes().startswith(b"%PDF")
    data = json.loads(done.json_path.read_text(encoding="utf-8"))
    result = {r["module"]: r for r in data["credentialSubject"]["result"]}
    assert result["3.2"]["pre"] == 20.0 and result["3.2"]["post"] == 100.0 and result["3.2"]["gain"] == 1.0
    fp = verify(data)
    assert verify(data, fp) == fp
    data["credentialSubject"]["name"] = "Quelqu'un d'autre"
    with pytest.raises(SetsError, match="altered"):
        verify(data)
    with pytest.raises(SetsError, match="expected"):
        verify(json.loads(done.json_path.read_text(encoding="utf-8")), "0" * 16)
    assert oct((tmp_path / "signing" / "issuer_ed25519.pem").stat().st_mode & 0o777) == "0o600"
