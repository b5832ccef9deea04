"""Accessibility checks for the browser tests: axe-core's WCAG 2.1 A and AA rules in Chromium.

``assert_accessible(page)`` runs axe on a Playwright page that is open and drawn, and fails
listing every violation (rule id, impact, the elements it found). axe-core comes from npm at a
pinned version: ``make install-test`` fetches it into ``tests/.axe-core/`` (git-ignored).

axe is evaluated through the browser's debugging protocol, so a page's own strict
Content-Security-Policy (no inline script) does not stop it and is tested as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).parent / ".axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
"""The rule sets run: WCAG 2.0 and 2.1, levels A and AA."""


@cache
def _source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run make install-test (it fetches axe-core from npm)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, *, skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Return axe's WCAG 2.1 A/AA violations on ``page``, rules ``skip`` (ids) left out.

    Each violation is ``{"id", "impact", "help", "targets"}`` (``targets``: CSS selectors of the
    elements that fail the rule).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    found: list[dict[str, Any]] = page.evaluate(
        """async ([tags, skip]) => {
             const rules = Object.fromEntries(skip.map(id => [id, {enabled: false}]));
             const result = await window.axe.run(document,
               {runOnly: {type: 'tag', values: tags}, rules: rules, resultTypes: ['violations']});
             return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               targets: v.nodes.map(n => n.target.join(' '))}));
           }""",
        [list(WCAG_TAGS), list(skip)],
    )
    return found


def assert_accessible(page: Any, *, skip: Iterable[str] = ()) -> None:
    """Fail unless ``page`` passes axe's WCAG 2.1 A and AA rules (except the rule ids ``skip``),
    naming each violation: its rule id, impact, what it asks and the elements that fail it."""
    found = violations(page, skip=skip)
    if found:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'][:8])}"
            + (f" and {len(v['targets']) - 8} more" if len(v["targets"]) > 8 else "")
            for v in found
        ]
        pytest.fail(f"{page.url} fails axe:\n" + "\n".join(lines), pytrace=False)
