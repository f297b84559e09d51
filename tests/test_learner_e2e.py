"""A learner in headless Chromium, issue 11: lesson links land, a quiz anyone can take by keyboard
(axe-core finds no serious or critical violation), nothing cut off at 1280 px and 375 px.

One server for the module, on a fresh server root (copies of voila_app/ and the notebooks the
tests open), a fresh SETS_HOME and a fresh JupyterLab workspace folder. axe-core comes from
npm (`.ci/run` installs it in .axe/; SETS_AXE_JS points elsewhere).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT, chromium_path
from sets_courseware.content import banks, catalog, load_keys
from sets_courseware.serve import PATH_PAGE, start, stop, with_token

pytestmark = pytest.mark.e2e
LEARNER = "Lina"
AXE_REPORT: dict[str, int] = {}


def axe_js() -> Path:
    path = Path(os.environ.get("SETS_AXE_JS") or ROOT / ".axe" / "node_modules" / "axe-core" / "axe.min.js")
    if not path.exists():
        pytest.fail(f"axe-core not found at {path}: npm install --prefix .axe axe-core@4 (.ci/run does it)")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if chromium_path() is None:
        pytest.fail("Debian chromium is not installed (apt install chromium); .ci/run installs it")
    axe_js()
    base = tmp_path_factory.mktemp("learner")
    root = base / "root"
    shutil.copytree(ROOT / "voila_app", root / "voila_app")
    for course in ("course1_ess", "course3_ai"):
        shutil.copytree(ROOT / "notebooks" / course / "fr", root / "notebooks" / course / "fr",
                        ignore=shutil.ignore_patterns("sets-answers-*", "mes_fichiers", "my_files"))
    home = base / "home"
    home.mkdir(mode=0o700)
    (home / "learner.txt").write_text(LEARNER, encoding="utf-8")
    from sets_courseware.store import Store
    Store(f"sqlite:///{home / 'sets.sqlite'}")  # migrated before the server's preheated kernel opens it
    env = {"SETS_HOME": str(home), "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces")}
    for name in ("SETS_BANKS_DIR", "SETS_KEYS_DIR"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    proc, url = start(root, env=env, log=base / "server.log")
    yield {"url": url, "token": proc.token, "home": home, "root": root}
    stop(proc)
    if AXE_REPORT:
        print("\naxe-core serious/critical violations per page:", json.dumps(AXE_REPORT))


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        yield b
        b.close()


def open_path_page(browser, site, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(with_token(site["url"] + PATH_PAGE, site["token"]), timeout=90_000)
    page.get_by_label("Cours", exact=True).wait_for(timeout=90_000)
    return context, page


def course_index(page, course_id: str) -> int:
    options = page.get_by_label("Cours", exact=True).evaluate("s => [...s.options].map(o => o.text)")
    return next((i for i, o in enumerate(options) if o.strip().startswith(f"{course_id}.")), None) or pytest.fail(f"no course {course_id} in {options}")


def choose_course(page, course_id: str) -> None:
    page.get_by_label("Cours", exact=True).select_option(index=course_index(page, course_id))


def axe(page, name: str, context: str | None = None) -> list[dict]:
    """Serious and critical axe-core violations (WCAG 2.1 A/AA and best practices) on the page."""
    page.add_script_tag(path=str(axe_js()))
    result = page.evaluate("""async (ctx) => {
        const r = await axe.run(ctx ? document.querySelector(ctx) : document,
                                {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""", context)
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    AXE_REPORT[name] = len(bad)
    return bad


def seed_initial(home: Path, course_id: str, right_per_module: dict[str, int]) -> None:
    """A submitted self-assessment in the server's store: `n` right answers in each module."""
    from sets_courseware.assessment import AssessmentService
    from sets_courseware.store import Store
    service = AssessmentService(Store(f"sqlite:///{home / 'sets.sqlite'}"))
    keys = load_keys()
    by_module: dict[str, int] = {}
    for q in banks().course_questions(course_id):
        module = q.id.rsplit(".q", 1)[0]
        k = keys[q.id].answer
        right = by_module.get(module, 0) < right_per_module[module]
        by_module[module] = by_module.get(module, 0) + 1
        service.save(LEARNER, course_id, "initial", q.id, k if right else ("a" if k != "a" else "b"))
    service.submit(LEARNER, course_id, "initial")


def test_every_suggested_lesson_link_lands_on_its_heading_first_time(site, browser):
    """Point 1: each suggested lesson (and a module banner) opens the notebook with that heading on
    screen: a cold server, a fresh workspace, one click per link, no retry."""
    course = catalog().course("3")
    seed_initial(site["home"], "3", {m.id: (3 if i < 3 else 5) for i, m in enumerate(course.modules)})
    context, page = open_path_page(browser, site)
    choose_course(page, "3")
    path = page.locator(".sets-path")
    path.wait_for(timeout=60_000)
    lessons = path.locator("li ul a")
    hrefs = lessons.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 3 and all(re.search(r"\.ipynb#cell-id=sec-3-\d-\d$", h) for h in hrefs), hrefs
    targets = [(i, catalog().subtopic(re.search(r"sec-(\d-\d-\d)$", h).group(1).replace("-", ".")))
               for i, h in enumerate(hrefs)]
    banner = path.locator(":scope > li > a").first
    misplaced = []
    for link, heading_text in [(lessons.nth(i), f"{st.id} {st.title('fr')}") for i, st in targets] + [
            (banner, f"Module {course.modules[0].id}")]:
        with context.expect_page() as opened:
            link.click()
        lab = opened.value
        console: list[str] = []
        lab.on("console", lambda m: console.append(f"{m.type}: {m.text[:200]}"))
        level = "h2" if "Module" not in heading_text else "h1"
        heading = lab.locator(f".jp-Notebook .jp-MarkdownCell {level}", has_text=heading_text).first
        try:
            heading.wait_for(state="attached", timeout=120_000)
        except Exception:
            shot = site["home"].parent / f"link-{len(misplaced)}.png"
            lab.screenshot(path=str(shot))
            cells = lab.locator(".jp-Notebook .jp-Cell").count()
            raise AssertionError(f"{heading_text!r} never rendered at {lab.url}; {cells} cells attached, "
                                 f"landed={lab.locator('[data-sets-landed]').count()}, screenshot {shot}, "
                                 f"console {console[-5:]}") from None
        # Lands, then stays: the heading must be in the top half of the window and still there
        # 1.5 s later (JupyterLab keeps rendering cells above it meanwhile).
        deadline, top = time.monotonic() + 45, None
        while time.monotonic() < deadline:
            top = heading.evaluate("h => h.getBoundingClientRect().top")
            if 0 < top < lab.viewport_size["height"] / 2:
                time.sleep(1.5)
                top = heading.evaluate("h => h.getBoundingClientRect().top")
                break
            time.sleep(0.25)
        if not (top is not None and 0 < top < lab.viewport_size["height"] / 2):
            misplaced.append((heading_text, top))
        lab.close()
    context.close()
    assert not misplaced, f"headings not on screen after one click: {misplaced}"


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, type: e.type || null, checked: !!e.checked, value: e.value || null,
                group: e.closest('.sets-mcq') ? [...e.closest('.sets-mcq').classList].find(c => c.startsWith('sets-q-')) : null,
                text: (e.innerText || e.textContent || '').trim().slice(0, 60)}; }""")


def tab_until(page, predicate, limit=60) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if predicate(now):
            return now
    raise AssertionError(f"Tab never reached the element; last focus {focused(page)}")


def test_keyboard_only_self_assessment_with_axe(site, browser):
    """Point 2: a whole self-assessment by keyboard (one Tab stop per question, arrows move without
    choosing, Space/Enter choose, the saved state announced); axe-core on each state of the page."""
    from playwright.sync_api import expect
    course_id = "1"
    questions = banks().course_questions(course_id)
    keys = load_keys()
    context, page = open_path_page(browser, site)
    assert not axe(page, "path page: start"), axe(page, "path page: start")

    tab_until(page, lambda f: f["tag"] == "SELECT")
    want = course_index(page, course_id)
    for _ in range(10):  # a closed <select> may open its list on the first arrow: press until chosen
        if page.get_by_label("Cours", exact=True).evaluate("s => s.selectedIndex") == want:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(".sets-mcq").first).to_be_visible(timeout=30_000)

    for n, q in enumerate(questions):
        group = f"sets-q-{q.id.replace('.', '-')}"
        now = tab_until(page, lambda f: f["type"] == "radio", limit=10)
        assert now["group"] == group, f"question {n + 1}: Tab went to {now} (one Tab stop per question)"
        assert not now["checked"]
        target = "abcd".index(keys[q.id].answer if n % 3 else ("a" if keys[q.id].answer != "a" else "b"))
        for _ in range(target):
            page.keyboard.press("ArrowDown")
        after = focused(page)
        assert after["group"] == group and not after["checked"], "arrows move the focus, they do not choose"
        page.keyboard.press("Enter" if n % 2 else " ")
        status = page.locator(f".{group} [role=status]")
        expect(status).to_have_text(re.compile("Enregistré"), timeout=15_000)
        assert focused(page)["checked"]
        if n == 0:
            assert not axe(page, "path page: questions"), axe(page, "path page: questions")
    expect(page.get_by_text(f"Réponses enregistrées ({len(questions)}/{len(questions)})")).to_be_visible(timeout=15_000)

    tab_until(page, lambda f: f["tag"] == "BUTTON" and "Envoyer mes réponses" in f["text"], limit=5)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("Envoyer \\?"))).to_be_visible(timeout=15_000)
    tab_until(page, lambda f: f["tag"] == "BUTTON" and "Envoyer ?" in f["text"], limit=5)
    page.keyboard.press("Enter")
    expect(page.locator(".sets-path")).to_be_visible(timeout=30_000)
    assert not axe(page, "path page: results"), axe(page, "path page: results")

    page.get_by_role("tab", name=re.compile("finale")).click()
    expect(page.locator(".sets-mcq:visible").first).to_be_visible(timeout=30_000)
    assert not axe(page, "path page: final evaluation"), axe(page, "path page: final evaluation")
    context.close()


def test_module_quiz_in_jupyterlab_by_keyboard_with_axe(site, browser):
    """Point 2 in JupyterLab: arrows stay in the question (the cell selection does not move), Space
    chooses and saves; axe-core on the quiz."""
    from playwright.sync_api import expect
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    lab = context.new_page()
    nb_url = with_token(site["url"] + "lab/tree/notebooks/course1_ess/fr/module_1_1.ipynb", site["token"])
    # Open the notebook at its setup cell, run it, walk down to the quiz cell in command mode, run it.
    lab.goto(nb_url + "#cell-id=1-1-fr-000", timeout=90_000)
    lab.locator("[data-sets-landed='1-1-fr-000']").wait_for(state="attached", timeout=90_000)
    notebook = lab.locator("[data-sets-landed='1-1-fr-000']")  # other notebooks may be open (workspace)
    active = notebook.locator(".jp-Cell.jp-mod-active")
    # A cell run before the notebook's kernel is up is skipped: wait for it (status bar "| Idle").
    lab.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=120_000)
    active.locator(".jp-InputPrompt").click()
    lab.keyboard.press("Shift+Enter")
    try:  # the setup cell has run once its prompt shows an execution count
        lab.wait_for_function("() => /\\[\\d+\\]/.test(document.querySelector('[data-sets-landed] .jp-CodeCell .jp-InputPrompt')"
                              "?.textContent || '')", timeout=120_000)
    except Exception:
        shot = site["home"].parent / "quiz-setup.png"
        lab.screenshot(path=str(shot))
        raise AssertionError(f"the setup cell did not run; screenshot {shot}") from None
    for _ in range(40):
        if "nb.quiz()" in active.locator(".jp-InputArea-editor").inner_text():
            break
        lab.keyboard.press("ArrowDown")
    lab.keyboard.press("Shift+Enter")
    quiz = notebook.locator(".sets-quiz").first
    expect(quiz).to_be_visible(timeout=60_000)
    first = quiz.locator(".sets-mcq").first
    first.locator("input[type=radio]").first.focus()  # focus in an output makes its cell the active one
    active_before = lab.evaluate("() => [...document.querySelectorAll('[data-sets-landed] .jp-Cell')]"
                                 ".findIndex(c => c.classList.contains('jp-mod-active'))")
    lab.keyboard.press("ArrowDown")
    lab.keyboard.press("ArrowDown")
    assert focused(lab)["value"] == json.dumps("c") and not focused(lab)["checked"]
    active_after = lab.evaluate("() => [...document.querySelectorAll('[data-sets-landed] .jp-Cell')]"
                                ".findIndex(c => c.classList.contains('jp-mod-active'))")
    assert active_after == active_before, "arrow keys moved JupyterLab's cell selection"
    lab.keyboard.press(" ")
    expect(first.locator("[role=status]")).to_have_text(re.compile("Enregistré"), timeout=15_000)
    expect(first.locator("input[type=radio]").nth(2)).to_be_checked()
    expect(quiz).to_contain_text("1/8")
    bad = axe(lab, "JupyterLab: module 1.1 quiz", ".sets-quiz")
    assert not bad, bad
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_nothing_cut_off_and_saved_count_survives_reload(site, browser, width):
    """Point 3: at 1280 px and 375 px no label, legend or button is clipped; the saved-answers count
    is shown again after a reload."""
    from playwright.sync_api import expect
    course_id = "2"  # not taken by the other tests of this module
    context, page = open_path_page(browser, site, width=width, height=900)
    choose_course(page, course_id)
    mcqs = page.locator(".sets-mcq")
    expect(mcqs.first).to_be_visible(timeout=30_000)
    total = mcqs.count()
    clipped = page.evaluate("""(width) => [...document.querySelectorAll(
            'button, label, legend, .sets-choice span, .widget-label, select, h1, h2, h3, p')]
        .filter(e => e.offsetParent !== null && e.getClientRects().length)
        .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
            const overflowing = e.scrollWidth > e.clientWidth + 1 && s.overflowX !== 'visible';
            return r.right > width + 1 || overflowing || (e.tagName === 'BUTTON' && e.scrollWidth > e.clientWidth + 1); })
        .map(e => e.tagName + ': ' + (e.innerText || '').trim().slice(0, 50))""", width)
    assert not clipped, f"cut off at {width} px: {clipped[:10]}"
    shot = site["home"].parent / f"path-page-{width}.png"
    page.get_by_label("Cours", exact=True).evaluate("s => s.closest('.widget-dropdown').scrollIntoView({block: 'start'})")
    page.screenshot(path=str(shot), full_page=False)
    if os.environ.get("SETS_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / f"path-page-{width}.png")
    visible = page.locator(".sets-mcq:visible")
    for i in range(3):
        visible.nth(i).locator("input[type=radio]").nth(i % 4).check()
        expect(visible.nth(i).locator("[role=status]")).to_have_text(re.compile("Enregistré"), timeout=15_000)
    counts = re.compile(r"Réponses enregistrées \(3/\d+\)")
    expect(page.get_by_text(counts)).to_be_visible(timeout=15_000)
    page.reload()
    choose_course(page, course_id)
    expect(page.get_by_text(counts).first).to_be_visible(timeout=30_000)
    assert total > 0
    context.close()


def test_path_page_runs_in_a_preheated_kernel(site, browser):
    """Point 3: the page does not wait for a kernel to start: it gets one the server warmed beforehand."""
    import urllib.request

    def kernels() -> list[dict]:
        req = urllib.request.Request(site["url"] + "api/kernels", headers={"Authorization": f"token {site['token']}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    deadline = time.monotonic() + 90
    while len(kernels()) < 2 and time.monotonic() < deadline:  # the pool fills after the server starts
        time.sleep(0.5)
    waiting = {k["id"] for k in kernels() if k["connections"] == 0}
    context, page = open_path_page(browser, site)
    connected = {k["id"] for k in kernels() if k["connections"] > 0}
    context.close()
    assert connected and connected <= waiting, (connected, waiting)
