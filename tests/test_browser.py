"""Real headless Chromium on the real Voilà page: self-assessment by clicking, path, reload keeps answers.

Also checks that nothing the browser receives (HTML, websocket frames) holds a key.
"""

import json
import os
import re

import pytest

from conftest import ROOT, chromium_path
from sets_courseware.content import banks, catalog, load_keys
from sets_courseware.serve import PATH_PAGE, start, stop, with_token

pytestmark = pytest.mark.e2e
COURSE = "2"


@pytest.fixture
def server(tmp_path):
    if chromium_path() is None:
        pytest.fail("Debian chromium is not installed (apt install chromium); .ci/run installs it")
    env = {"SETS_HOME": str(tmp_path / "home")}
    for name in ("SETS_BANKS_DIR", "SETS_KEYS_DIR"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    proc, url = start(ROOT, env=env, log=tmp_path / "server.log")
    yield url, proc.token
    stop(proc)


def _launch(p):
    return p.chromium.launch(executable_path=chromium_path(), headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])


def test_self_assessment_path_and_reload(server):
    from playwright.sync_api import expect, sync_playwright
    server, token = server
    keys = load_keys()
    course = catalog().course(COURSE)
    questions = banks().course_questions(COURSE)
    # Master the middle module, miss everything elsewhere: the others must be required (course 2 rule).
    mastered = course.modules[1].id
    chosen = {}
    for q in questions:
        k = keys[q.id].answer
        chosen[q.id] = k if q.id.startswith(mastered + ".") else ("a" if k != "a" else "b")
    label = f"{COURSE}. {course.short_title('fr')}"
    frames: list[str] = []
    with sync_playwright() as p:
        browser = _launch(p)
        context = browser.new_context()  # one browser session: the token once, then Jupyter's login cookie
        page = context.new_page()
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(
            payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))
        page.goto(with_token(server + PATH_PAGE, token), timeout=90_000)  # then Jupyter's login cookie
        page.get_by_label("Votre nom (une seule fois)").fill("Élise")
        page.get_by_role("button", name="Continuer").click()
        page.get_by_label("Cours", exact=True).select_option(label=label)
        for q in questions:
            radios = page.locator(f".sets-q-{q.id.replace('.', '-')} input[type=radio]")
            radios.nth("abcd".index(chosen[q.id])).check(timeout=30_000)
        expect(page.get_by_text(f"Réponses enregistrées ({len(questions)}/{len(questions)})")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Envoyer mes réponses").click()
        page.get_by_role("button", name=re.compile("Envoyer \\?")).click()
        path = page.locator(".sets-path")
        expect(path).to_be_visible(timeout=30_000)
        for m in course.modules:
            item = path.locator("li", has_text=f"{m.id} {m.title('fr')}").first
            expected = "Acquis" if m.id == mastered else "Module obligatoire"
            expect(item).to_contain_text(expected)
        target = course.modules[0].subtopics[2]  # far enough down the notebook to need a scroll
        link = path.locator("a", has_text=target.title("fr")).first
        assert re.search(r"lab/tree/notebooks/course2_digital/fr/module_2_1\.ipynb#cell-id=sec-2-1-3$",
                         link.get_attribute("href"))
        # The link opens the module in JupyterLab scrolled to the sub-topic's section.
        lab = context.new_page()
        heading = lab.locator(".jp-Notebook .jp-MarkdownCell h2", has_text=f"{target.id} {target.title('fr')}")
        # One click, no retry: the course's labextension (sets-courseware-links) scrolls the section
        # to the top once the notebook is laid out (test_learner_e2e checks every link of a path).
        lab.goto(link.evaluate("a => a.href"), timeout=90_000)
        lab.locator("[data-sets-landed='sec-2-1-3']").wait_for(state="attached", timeout=90_000)
        top = heading.evaluate("h => h.getBoundingClientRect().top")
        assert 0 < top < lab.viewport_size["height"] / 2, f"section heading at y={top}: not scrolled to"
        lab.close()
        html_after = page.content()
        page.reload()
        page.get_by_label("Cours", exact=True).select_option(label=label)
        first = questions[0]
        kept = page.locator(f".sets-q-{first.id.replace('.', '-')} input[type=radio]").nth("abcd".index(chosen[first.id]))
        expect(kept).to_be_checked(timeout=30_000)
        expect(kept).to_be_disabled()
        expect(page.locator(".sets-path")).to_be_visible()
        page.screenshot(path=str(ROOT / "docs" / "path-page.png") if os.environ.get("SETS_SCREENSHOT") else None,
                        full_page=True)
        browser.close()
    received = "\n".join(frames) + html_after
    assert "sets-q-" in received  # the capture worked
    for qid, key in keys.items():
        assert key.why.fr not in received and key.why.en not in received, qid
    assert not re.search(r'"answer"\s*:\s*"[abcd]"', received)
    assert "BEGIN HIDDEN TESTS" not in received
