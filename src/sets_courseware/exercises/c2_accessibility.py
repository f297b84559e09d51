"""Module 2.1.3 — audit a small HTML page for accessibility, then fix it.

Checks (after WCAG 2.2 and the French RGAA): text contrast computed with WCAG's relative
luminance formula, images without a text alternative, skipped heading levels, vague link
text, and form fields without a label. Only the standard library's html.parser is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .common import CheckResult, dataset_path, lang_of, show

VAGUE_LINKS = {"cliquez ici", "ici", "en savoir plus", "lire la suite", "click here", "here", "read more", "more"}
MIN_CONTRAST = 4.5  # WCAG 2.x success criterion 1.4.3, level AA, body text


PAGES = {"fr": "course2_digital/a11y_page_atelier.html", "en": "course2_digital/a11y_page_workshop_en.html"}


def load_page(lang: str = "fr") -> str:
    """The workshop sign-up page with its deliberate faults, in the notebook's language."""
    return dataset_path(PAGES[lang_of(lang)]).read_text(encoding="utf-8")


def _channel(c: float) -> float:
    c = c / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a #rrggbb (or #rgb) colour."""
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", h):
        raise ValueError(f"not a #rrggbb colour: {hex_colour!r}")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), L1 the lighter: from 1:1 to 21:1."""
    a, b = luminance(foreground), luminance(background)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


@dataclass
class Issue:
    rule: str
    detail: str


class _Auditor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.issues: list[Issue] = []
        self.background = "#ffffff"
        self.last_heading = 0
        self.labels: set[str] = set()
        self.inputs: list[tuple[str | None, str]] = []
        self._link: list[str] | None = None
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        style = a.get("style") or ""
        bg = re.search(r"background(?:-color)?\s*:\s*(#[0-9a-fA-F]{3,6})", style)
        if tag == "body" and bg:
            self.background = bg.group(1)
        fg = re.search(r"(?<![-\w])color\s*:\s*(#[0-9a-fA-F]{3,6})", style)
        if fg:
            ratio = contrast_ratio(fg.group(1), bg.group(1) if bg else self.background)
            if ratio < MIN_CONTRAST:
                self.issues.append(Issue("contrast", f"<{tag}> {fg.group(1)}: {ratio:.2f}:1 < {MIN_CONTRAST}:1"))
        if tag == "img" and not (a.get("alt") or "").strip() and a.get("alt") != "" :
            self.issues.append(Issue("alt", f"<img src={a.get('src')!r}> has no alt attribute"))
        if re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            if self.last_heading and level > self.last_heading + 1:
                self.issues.append(Issue("headings", f"<{tag}> after <h{self.last_heading}>: a level is skipped"))
            self.last_heading = level
        if tag == "a":
            self._link = []
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("submit", "hidden", "button"):
            self.inputs.append((a.get("id"), a.get("name") or tag))
            if self._label_depth:
                self.labels.add(a.get("id") or f"__wrapped_{len(self.inputs)}")
                self.inputs[-1] = (a.get("id") or f"__wrapped_{len(self.inputs)}", self.inputs[-1][1])

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            text = " ".join("".join(self._link).split()).lower()
            if text in VAGUE_LINKS or not text:
                self.issues.append(Issue("links", f"link text {text!r} says nothing out of context"))
            self._link = None
        if tag == "label":
            self._label_depth = max(0, self._label_depth - 1)

    def handle_data(self, data):
        if self._link is not None:
            self._link.append(data)

    def close(self):
        super().close()
        for ident, name in self.inputs:
            if ident is None or ident not in self.labels:
                self.issues.append(Issue("labels", f"field {name!r} has no <label>"))


def audit(html: str | None = None) -> list[Issue]:
    parser = _Auditor()
    parser.feed(html if html is not None else load_page())
    parser.close()
    return parser.issues


RULES = {"contrast": ("contraste du texte", "text contrast"), "alt": ("alternative des images", "image text alternatives"),
         "headings": ("ordre des titres", "heading order"), "links": ("intitulé des liens", "link text"),
         "labels": ("étiquettes des champs", "form labels")}


def check_page(html: str, lang: str = "fr") -> CheckResult:
    """Audit the learner's corrected page: every rule must pass."""
    issues = audit(html)
    fr = lang == "fr"
    failed = {i.rule for i in issues}
    msgs = []
    for rule, (name_fr, name_en) in RULES.items():
        name = name_fr if fr else name_en
        details = [i.detail for i in issues if i.rule == rule]
        msgs.append(("✔ " if not details else "✘ ") + name + ("" if not details else " — " + "; ".join(details)))
    score = 1 - len(failed) / len(RULES)
    return show(CheckResult(not issues, score, msgs, {"issues": [vars(i) for i in issues]}))
