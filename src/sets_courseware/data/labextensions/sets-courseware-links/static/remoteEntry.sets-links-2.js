/* SETS courseware: lesson links that land (a prebuilt JupyterLab extension, no build step).
 *
 * A path-page link is <base>/lab/tree/<notebook>#cell-id=<id>. JupyterLab's own fragment
 * handling scrolls once, as soon as the notebook model is ready; cells above the target are
 * still being rendered and measured then (windowed notebook, Markdown, widgets), so the
 * section drifts away or the scroll is lost. This plugin remembers the URL the page was
 * opened with, waits for that notebook's panel, brings it to the front (a restored workspace
 * may put another notebook there), then scrolls the cell to the top and keeps it there
 * until its position has been stable for a second, or the learner scrolls, clicks or types. It is a webpack module-federation container written by hand: it needs no shared
 * module, so it has nothing to build.
 */
(function () {
  "use strict";
  var OPENED_WITH = window.location.href;
  var STABLE_MS = 1000, GIVE_UP_MS = 30000, FIND_MS = 180000, STEP_MS = 100;

  function target(href) {
    var url = new URL(href);
    var m = /^#cell-id=([A-Za-z0-9_.\-]+)$/.exec(decodeURIComponent(url.hash || ""));
    var at = url.pathname.indexOf("/tree/");
    if (!m || at < 0) return null;
    return { path: decodeURIComponent(url.pathname.slice(at + 6)), cellId: m[1] };
  }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function scroller(node) {
    for (var el = node.parentElement; el; el = el.parentElement) {
      var o = getComputedStyle(el).overflowY;
      if ((o === "auto" || o === "scroll") && el.scrollHeight > el.clientHeight) return el;
    }
    return null;
  }

  async function findPanel(app, path) {
    var deadline = Date.now() + FIND_MS;  // a busy machine can take long to open the notebook
    while (Date.now() < deadline) {
      for (var widget of app.shell.widgets("main")) {
        if (widget.context && widget.context.path === path && widget.content && widget.content.widgets) {
          return widget;
        }
      }
      await sleep(STEP_MS);
    }
    return null;
  }

  async function land(app, t) {
    var panel = await findPanel(app, t.path);
    if (!panel) return;
    await panel.context.ready;
    await panel.revealed;
    var notebook = panel.content;
    var index = -1;
    for (var i = 0; i < notebook.widgets.length; i++) {
      if (notebook.widgets[i].model.id === t.cellId) { index = i; break; }
    }
    if (index < 0) return;
    var moved = false;
    var stop = function (e) { if (e.isTrusted) moved = true; };
    var events = ["wheel", "mousedown", "keydown", "touchstart"];
    events.forEach(function (e) { notebook.node.addEventListener(e, stop, true); });
    notebook.activeCellIndex = index;
    var started = Date.now(), stableSince = null;
    try {
      while (!moved && Date.now() - started < GIVE_UP_MS) {
        // The restored workspace may bring other notebooks back and put one of them in front:
        // the linked notebook must be the visible one (a hidden notebook lays nothing out).
        if (!panel.isVisible) {
          app.shell.activateById(panel.id);
          stableSince = null;
          await sleep(STEP_MS);
          continue;
        }
        var cell = notebook.widgets[index];
        var box = cell && cell.node.isConnected ? scroller(cell.node) : null;
        var offset = box ? cell.node.getBoundingClientRect().top - box.getBoundingClientRect().top : null;
        if (offset !== null && offset > -8 && offset < 24 && cell.node.offsetHeight > 0) {
          if (stableSince === null) stableSince = Date.now();
          if (Date.now() - stableSince >= STABLE_MS) break;
        } else {
          stableSince = null;
          try {
            await Promise.race([notebook.scrollToItem(index, "start", 0), sleep(1500)]);
          } catch (err) { /* a newer scroll request replaced this one */ }
          cell = notebook.widgets[index];
          box = cell && cell.node.isConnected ? scroller(cell.node) : null;
          if (box) box.scrollTop += cell.node.getBoundingClientRect().top - box.getBoundingClientRect().top;
        }
        await sleep(STEP_MS);
      }
    } finally {
      events.forEach(function (e) { notebook.node.removeEventListener(e, stop, true); });
    }
    // The learner lands on the section as text. Seen once on a loaded machine: the notebook had
    // gone to edit mode on the target (a focus event while its Markdown was still being laid
    // out), showing the heading's source. Unless the learner acted meanwhile, back to reading.
    var landed = notebook.widgets[index];
    if (!moved && landed && landed.model.type === "markdown" && !landed.rendered) {
      notebook.mode = "command";
      landed.rendered = true;
    }
    notebook.node.setAttribute("data-sets-landed", t.cellId);
  }

  var plugin = {
    id: "sets-courseware-links:plugin",
    description: "Scroll a notebook opened from a path-page link to its section, reliably.",
    autoStart: true,
    activate: function (app) {
      var t = target(OPENED_WITH);
      if (!t) return;
      app.restored.then(function () { return land(app, t); }).catch(function (err) {
        console.warn("sets-courseware-links:", err);
      });
    }
  };

  var root = (window._JUPYTERLAB = window._JUPYTERLAB || {});
  root["sets-courseware-links"] = {
    init: function () { return Promise.resolve(); },
    get: function (module) {
      if (module !== "./extension") return Promise.reject(new Error("no module " + module));
      return Promise.resolve(function () { return { __esModule: true, "default": [plugin] }; });
    }
  };
})();
