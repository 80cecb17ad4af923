"""Rows, tables and the JSON record of ``python -m numdiff verify``."""
import json
import math

__all__ = ["Row", "format_table", "to_json"]


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


def format_table(rows):
    """Plain-text tables, one per (area, group), with a summary line."""
    head = ("method", "cases", "numdiff", "evals", "ms", "peer", "peer value", "evals", "ms",
            "bound", "status")
    lines = []
    groups = []
    for r in rows:
        key = (r.area, r.group)
        if key not in groups:
            groups.append(key)
    for area, group in groups:
        sel = [r for r in rows if (r.area, r.group) == (area, group)]
        body = []
        for r in sel:
            if r.kind == "info":
                fmt, bound = "{:.3f}", "-"
            else:
                fmt = "{:.3f}" if r.kind == "at_least" or r.bound >= 1 else "{:.1e}"
                bound = ("<= " if r.kind == "at_most" else ">= ") + fmt.format(r.bound)
            body.append((r.method, str(r.cases), _num(r.value, fmt), _num(r.nfev, "{:d}"),
                         _ms(r.time), r.peer, _num(r.peer_value, fmt),
                         _num(r.peer_nfev, "{:d}"), _ms(r.peer_time), bound,
                         "info" if r.kind == "info" else "pass" if r.passed else "FAIL"))
        widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
        lines.append(f"== {area}: {group} ==")
        lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        lines.append("  ".join("-" * w for w in widths))
        for b in body:
            lines.append("  ".join(c.ljust(w) for c, w in zip(b, widths)))
        checked = [r for r in sel if r.kind != "info"]
        npass = sum(r.passed for r in checked)
        lines.append(f"   {npass}/{len(checked)} rows pass")
        lines.append("")
    return "\n".join(lines)


def to_json(rows, path, extra=None):
    data = {"rows": [r.as_dict() for r in rows]}
    if extra:
        data.update(extra)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, default=float)
