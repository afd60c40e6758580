"""What makes a page unfit to read at a given width, measured in a real browser.

`layout_problems(page)` runs in the page as Chromium laid it out (scripts stay disabled for
the page itself; Playwright's evaluation runs apart from it) and lists, in words a failing
test can print:

* horizontal overflow: the page is wider than the screen, and which elements stick out
  (anything inside a box that scrolls sideways, such as a wide table, is fine);
* clipped chart text: a label or title of an SVG chart drawn partly outside the chart, where
  the browser cuts it off ("udget type" for "Budget type");
* squeezed text: running text (a phrase of 40 characters or more) laid out in a column
  narrower than 200 px, where it reads one word a line.

Any page test can call it; tests/web/test_layout.py calls it on every kind of page at a
phone's and a desktop's width, in Thai and English.
"""

from __future__ import annotations

MIN_TEXT_COLUMN = 200
"""Narrowest column (px) running text may be set in."""
MIN_TEXT_LENGTH = 40
"""Characters of an element's own text from which it counts as running text."""
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

_PROBLEMS_JS = """
([minColumn, minText]) => {
  const problems = [];
  const viewport = document.documentElement.clientWidth;
  const describe = (el) => {
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    const cls = el.getAttribute("class");
    return `<${el.tagName.toLowerCase()}${cls ? " class=\\"" + cls + "\\"" : ""}> "${text}"`;
  };
  const scrollsSideways = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return true;
    }
    return false;
  };
  const hidden = (el) => {
    const rect = el.getBoundingClientRect();
    return rect.width === 0 || rect.height === 0 || el.closest(".visually-hidden, .skip");
  };

  // 1. the page is wider than the screen
  const overflow = document.documentElement.scrollWidth - viewport;
  if (overflow > 0) {
    const culprits = [...document.body.querySelectorAll("*")]
      .filter((el) => !hidden(el) && el.getBoundingClientRect().right > viewport + 1)
      .filter((el) => !scrollsSideways(el) && !el.closest("svg"))
      .slice(0, 5)
      .map(describe);
    problems.push(`page is ${overflow}px wider than the screen: ${culprits.join("; ")}`);
  }

  // 2. chart text drawn outside its chart (the browser clips it)
  for (const svg of document.querySelectorAll("svg")) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      if (!text.textContent.trim()) continue;
      const r = text.getBoundingClientRect();
      if (r.width === 0) continue;
      const out = Math.max(
        box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom);
      if (out > 1) {
        problems.push(`chart text clipped by ${Math.round(out)}px: "${text.textContent.trim()}"`);
      }
    }
  }

  // 3. running text set in a column narrower than minColumn
  const block = (el) => {
    for (let up = el; up; up = up.parentElement) {
      if (!getComputedStyle(up).display.startsWith("inline")) return up;
    }
    return document.body;
  };
  const seen = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg, pre, code, select, option, script, style") || hidden(el)) continue;
    const own = [...el.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent.trim())
      .join(" ");
    if (own.length < minText) continue;
    const container = block(el);
    if (seen.has(container)) continue;
    seen.add(container);
    const style = getComputedStyle(container);
    if (style.whiteSpace === "nowrap" || style.whiteSpace === "pre") continue;
    const width = container.getBoundingClientRect().width
      - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (width < minColumn) {
      problems.push(`text in a ${Math.round(width)}px column: ${describe(container)}`);
    }
  }
  return problems;
}
"""


def layout_problems(page) -> list[str]:
    """Everything on the page (a Playwright page, already loaded) that does not fit."""
    return page.evaluate(_PROBLEMS_JS, [MIN_TEXT_COLUMN, MIN_TEXT_LENGTH])
