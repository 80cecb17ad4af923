"""Rows, tables and the JSON record of ``python -m numdiff verify``."""
import json
import math

__all__ = ["Row", "format_table", "summary", "to_json", "to_markdown"]


class Row:
    """One line of a verify table: numdiff beside its SciPy peer.

    ``value`` is numdiff's figure (an error unless ``kind`` says otherwise)
    and passes when ``value <= bound`` (``kind="at_most"``) or ``value >=
    bound`` (``kind="at_least"``). ``kind="info"`` rows report a measured
    figure that no bound applies to; they are shown as "info" and do not
    count as passed or failed.
    """

    __slots__ = ("area", "group", "method", "cases", "value", "nfev", "time", "peer",
                 "peer_value", "peer_nfev", "peer_time", "bound", "kind")

    def __init__(self, area, group, method, cases, value, nfev, time, peer, peer_value,
                 peer_nfev, peer_time, bound, kind="at_most"):
        self.area, self.group, self.method, self.cases = area, group, method, cases
        self.value, self.nfev, self.time = value, nfev, time
        self.peer, self.peer_value = peer, peer_value
        self.peer_nfev, self.peer_time = peer_nfev, peer_time
        self.bound, self.kind = bound, kind

    @property
    def passed(self):
        if self.kind == "info":
            return True
        v = self.value
        if v is None or not math.isfinite(v):
            return False
        return v <= self.bound if self.kind == "at_most" else v >= self.bound

    def as_dict(self):
        d = {k: getattr(self, k) for k in self.__slots__}
        d["passed"] = self.passed
        return d


def _num(v, fmt="{:.1e}"):
    if v is None:
        return "-"
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return fmt.format(v)


def _ms(v):
    return "-" if v is None else f"{1e3 * v:.2f}"


HEAD = ("method", "cases", "numdiff", "evals", "ms", "peer", "peer value", "evals", "ms",
        "bound", "status")


def _fit(fmt, v):
    """Fixed-point figures that would print as 0.000 get an exponent."""
    if fmt == "{:.3f}" and isinstance(v, (int, float)) and v != 0 and abs(v) < 1e-2:
        return "{:.2e}"
    return fmt


def _cells(r):
    """The printed cells of one row."""
    if r.kind == "info":
        fmt, bound = "{:.3f}", "-"
    else:
        fmt = "{:.3f}" if r.kind == "at_least" or r.bound >= 1 else "{:.1e}"
        bound = ("<= " if r.kind == "at_most" else ">= ") + fmt.format(r.bound)
    return (r.method, str(r.cases), _num(r.value, _fit(fmt, r.value)), _num(r.nfev, "{:d}"),
            _ms(r.time), r.peer, _num(r.peer_value, _fit(fmt, r.peer_value)), _num(r.peer_nfev, "{:d}"), _ms(r.peer_time),
            bound, "info" if r.kind == "info" else "pass" if r.passed else "FAIL")


def _groups(rows):
    groups = []
    for r in rows:
        key = (r.area, r.group)
        if key not in groups:
            groups.append(key)
    return [(a, g, [r for r in rows if (r.area, r.group) == (a, g)]) for a, g in groups]


def summary(rows):
    """One line per area: checked rows passing, and info rows."""
    areas = []
    for r in rows:
        if r.area not in areas:
            areas.append(r.area)
    out = []
    for a in areas:
        sel = [r for r in rows if r.area == a]
        checked = [r for r in sel if r.kind != "info"]
        npass = sum(r.passed for r in checked)
        info = len(sel) - len(checked)
        flag = "ok  " if npass == len(checked) else "FAIL"
        out.append(f"  {flag} {a:<16s} {npass}/{len(checked)} rows meet their bounds"
                   + (f" (+{info} info)" if info else ""))
    return "\n".join(out)


def format_table(rows):
    """Plain-text tables, one per (area, group), with a summary line."""
    lines = []
    for area, group, sel in _groups(rows):
        body = [_cells(r) for r in sel]
        widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(HEAD)]
        lines.append(f"== {area}: {group} ==")
        lines.append("  ".join(h.ljust(w) for h, w in zip(HEAD, widths)))
        lines.append("  ".join("-" * w for w in widths))
        for b in body:
            lines.append("  ".join(c.ljust(w) for c, w in zip(b, widths)))
        checked = [r for r in sel if r.kind != "info"]
        npass = sum(r.passed for r in checked)
        lines.append(f"   {npass}/{len(checked)} rows pass")
        lines.append("")
    return "\n".join(lines)


def to_markdown(rows, path, title="numdiff verify"):
    """The same tables as Markdown, with the per-area summary first."""
    out = [f"# {title}", "", "```", summary(rows), "```", ""]
    for area, group, sel in _groups(rows):
        out.append(f"## {area}: {group}")
        out.append("")
        out.append("| " + " | ".join(HEAD) + " |")
        out.append("|" + "---|" * len(HEAD))
        for r in sel:
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |")
        out.append("")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out))


def to_json(rows, path, extra=None):
    data = {"rows": [r.as_dict() for r in rows]}
    if extra:
        data.update(extra)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, default=float)
