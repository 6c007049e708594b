"""axe-core audits of the portal's pages in the browser tests (docs/accessibility.md).

axe-core comes from the npm registry at the version pinned in tests/axe/package-lock.json
(`npm ci` there when it is missing, as the vendor SDK tests do). It is injected into the
page by Playwright and run with WCAG 2.0 and 2.1, levels A and AA, plus axe's best
practices. The page's Content-Security-Policy allows scripts from the portal alone, so the
audit runs in a browser context that bypasses CSP (`bypass_csp=True`); the CSP itself is
tested in test_content_security_policy.py, in contexts that do not.

STOCK_MARKUP is the one list of violations that come from markup the project does not
write (Django's admin widgets and scripts). docs/accessibility.md explains each entry. An
audit drops exactly those (rule and element), and fails when an entry no longer matches
anything on its page, so the list cannot outlive the problem it describes.
"""

from dataclasses import dataclass
from pathlib import Path

from tests.npm import node_with_packages

AXE_DIR = Path(__file__).resolve().parents[1] / "axe"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass(frozen=True)
class StockViolation:
    """A violation in markup Django writes, on a page of ours: `rule` (axe's id) on the
    elements matching `selector`, on the page named `page`."""

    page: str
    rule: str
    selector: str
    source: str


STOCK_MARKUP = [
    StockViolation(
        page="credentials",
        rule="label",
        selector=".datetime input[id$='_0'], .datetime input[id$='_1']",
        source="django/contrib/admin/templates/admin/widgets/split_datetime.html: the "
        "'Date:' and 'Time:' of a date-and-time field (the user's last login and date "
        "joined) are plain text, not labels of the two inputs",
    ),
    StockViolation(
        page="a role",
        rule="aria-prohibited-attr",
        selector=".search-label-icon",
        source="django/contrib/admin/static/admin/js/SelectFilter2.js: the search icon of "
        "a role's permissions picker is a <span> without a role that has an aria-label",
    ),
    StockViolation(
        page="a post's page",
        rule="empty-table-header",
        selector=".tabular thead th:empty",
        source="django/contrib/admin/templates/admin/edit_inline/tabular.html: the flags "
        "table's first heading (over each flag's name) and its last (over the delete "
        "boxes) are empty",
    ),
    StockViolation(
        page="translated status",
        rule="empty-table-header",
        selector=".tabular thead th:empty",
        source="django/contrib/admin/templates/admin/edit_inline/tabular.html: the "
        "translations table's first heading (over each saved row's name) is empty",
    ),
    # (The user page's two-box pickers, whose search icon axe refused, are gone from its
    # first view: roles are checkboxes, single permissions a folded fieldset.)
]


def axe_installed():
    """The path of axe.min.js, once tests/axe's lock file is installed."""
    node_with_packages(AXE_DIR, what="the axe-core accessibility audit")
    return AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"


RUN = """async ({tags, known}) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  const matched = new Set();
  const violations = [];
  for (const violation of results.violations) {
    const nodes = violation.nodes.filter((node) => {
      const element = document.querySelector(node.target[0]);
      const hit = known.findIndex(
        (entry) => entry.rule === violation.id && element && element.matches(entry.selector)
      );
      if (hit >= 0) matched.add(hit);
      return hit < 0;
    });
    if (nodes.length) {
      violations.push({
        rule: violation.id,
        impact: violation.impact,
        help: violation.help,
        elements: nodes.map((node) => `${node.target.join(' ')}: ${node.html.slice(0, 160)}`),
      });
    }
  }
  return {violations, matched: [...matched]};
}"""


def audit(page, name, axe_path):
    """Run axe on the page now shown; return our violations (stock ones listed in
    STOCK_MARKUP for `name` dropped), with stale STOCK_MARKUP entries reported as such."""
    known = [entry for entry in STOCK_MARKUP if entry.page == name]
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate(
        RUN, {"tags": TAGS, "known": [{"rule": k.rule, "selector": k.selector} for k in known]}
    )
    stale = [
        {"rule": "stale STOCK_MARKUP entry", "entry": entry}
        for index, entry in enumerate(known)
        if index not in result["matched"]
    ]
    return result["violations"] + stale
