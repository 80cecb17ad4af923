import json

import numdiff
from numdiff.__main__ import main


def test_verify_quick_passes_and_writes_json(tmp_path, capsys):
    path = tmp_path / "out.json"
    assert main(["verify", "--quick", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "scalar -> scalar" in out and "approx_derivative" in out
    data = json.loads(path.read_text())
    rows = data["rows"]
    assert rows and all(r["passed"] for r in rows)
    assert {"value", "peer_value", "nfev", "time", "bound"} <= set(rows[0])


def test_verify_rows_fail_when_bound_missed():
    from numdiff.verify._report import Row
    r = Row("a", "g", "m", 1, 2e-8, 3, 0.1, "-", None, None, None, 1e-8)
    assert not r.passed
    r = Row("a", "g", "m", 1, 0.5, None, None, "-", None, None, None, 0.95, kind="at_least")
    assert not r.passed
    assert numdiff.verify.run_all is not None


def test_cli_usage():
    assert main([]) == 2
    assert main(["frobnicate"]) == 2


def test_markdown_and_summary(tmp_path, capsys):
    path = tmp_path / "out.md"
    assert main(["verify", "--quick", "--area", "root", "--area", "line-search",
                 "--markdown", str(path)]) == 0
    out = capsys.readouterr().out
    assert "summary:" in out and "line-search" in out
    text = path.read_text()
    assert text.startswith("# numdiff verify --quick")
    assert "| method | cases | numdiff |" in text and "## root:" in text


def test_every_area_is_listed():
    from numdiff.verify._cli import AREAS
    assert set(AREAS) == {"differentiation", "hessians", "sparse", "line-search", "minimize",
                          "root", "checkers"}
