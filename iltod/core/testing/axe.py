"""axe-core (``axe-core/axe.min.js``, see ``axe-core/README.md``) for the accessibility checks of the browser tests."""

from dataclasses import dataclass
from pathlib import Path

from .browser import visit

AXE_SOURCE = Path(__file__).with_name("axe-core").joinpath("axe.min.js").read_text(encoding="utf-8")
# Findings of these impacts fail a test; moderate and minor ones are printed.
FAILING_IMPACTS = {"serious", "critical"}
RUN_AXE = """async ([source, rules]) => {
    if (!window.axe) { (0, eval)(source); }
    const options = { resultTypes: ["violations"] };
    if (rules) { options.runOnly = { type: "rule", values: rules }; }
    const results = await window.axe.run(document, options);
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(" ")),
    }));
}"""

LOCALES = {"mn": "mn-MN", "en": "en-GB"}


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str  # may name codes of ``public_world`` in {braces}
    ready: str = ""  # a selector to wait for when the page draws itself with JavaScript
    submit: str = ""  # a submit button to press first, to check the page as it comes back with errors
    language: str = ""  # the page's one language, when it does not follow the visitor's


def axe_violations(page, public_page: PublicPage, codes: dict[str, str], rules: list[str] | None) -> list[dict]:
    visit(page, public_page.path.format(**codes))
    if public_page.submit:
        with page.expect_navigation():
            page.locator(public_page.submit).first.click()
    if public_page.ready:
        page.wait_for_selector(public_page.ready)
    return page.evaluate(RUN_AXE, [AXE_SOURCE, rules])


def describe(findings: list[tuple[str, str, dict]]) -> str:
    lines = []
    for screen, page_name, violation in findings:
        lines.append(f"[{screen}] {page_name}: {violation['id']} ({violation['impact']}) {violation['help']}")
        lines.extend(f"    {target}" for target in violation["targets"][:10])
        if len(violation["targets"]) > 10:
            lines.append(f"    … and {len(violation['targets']) - 10} more")
    return "\n".join(lines)


def assert_no_serious_violation(serious: list, other: list, capsys) -> None:
    """Fail on the serious and critical findings; print the moderate and minor ones."""
    if other:
        with capsys.disabled():
            print("\naxe-core, moderate and minor findings:\n" + describe(other))
    assert not serious, "axe-core found serious or critical violations:\n" + describe(serious)
