"""How every bench reports: one JSON line per figure, its value against a baseline measured in the same run.

A figure's ``ratio`` is ``value / baseline``. Its ``target`` is a bound on that ratio: at least it
for rates (``at_least``, the default), at most it for costs such as time or memory
(``at_least=False``); with ``absolute=True`` it bounds the value itself instead (an added time in
milliseconds, say). ``met`` says whether the figure keeps to it. The README's performance table is
made from these lines (``python bench/figures.py < lines``), so a bench prints nothing else that
begins with ``{``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable


def figure(name: str, value: float, baseline: float, target: float, *, at_least: bool = True,
           absolute: bool = False, unit: str = "") -> dict[str, object]:
    """Print the figure ``name`` as one JSON line, and return it."""
    ratio = value / baseline if baseline else float("inf")
    bounded = value if absolute else ratio
    line: dict[str, object] = {
        "figure": name, "value": round(value, 4), "baseline": round(baseline, 4), "ratio": round(ratio, 4),
        "target": target, "met": bounded >= target if at_least else bounded <= target,
        # What the target bounds, and how: for the table, and for anyone reading the line alone.
        "bounds": "value" if absolute else "ratio", "at_least": at_least,
    }
    if unit:
        line["unit"] = unit
    print(json.dumps(line), flush=True)
    return line


def table(lines: Iterable[str]) -> str:
    """The Markdown table of the figures among ``lines`` (a bench's output; other lines are skipped)."""
    rows = ["| figure | value | baseline | ratio | target | met |", "|---|---:|---:|---:|---|:---:|"]
    for text in lines:
        if not text.startswith("{"):
            continue
        found = json.loads(text)
        unit = f" {found['unit']}" if found.get("unit") else ""
        bound = "≥" if found.get("at_least", True) else "≤"
        target = f"{bound} {found['target']:g}{unit}" if found.get("bounds") == "value" else f"ratio {bound} {found['target']:g}"
        rows.append(f"| {found['figure']} | {found['value']:.4g}{unit} | {found['baseline']:.4g}{unit} | "
                    f"{found['ratio']:.3g} | {target} | {'yes' if found['met'] else 'no'} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table(sys.stdin))
