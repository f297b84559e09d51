// One question as one radio group (SETS courseware), for JupyterLab and Voilà (anywidget).
// Native radios in a <fieldset> named by its <legend>: one Tab stop, each radio before its
// label. Arrow keys, Home and End move the focus between the choices without choosing;
// Space or Enter choose. Keys pressed in the group never reach JupyterLab's shortcuts
// (data-lm-suppress-shortcuts, stopPropagation), so the cell selection stays where it is.
// The saved state is announced from a status line that lives as long as the widget.
let groups = 0;

function render({ model, el }) {
  const name = `sets-choice-${++groups}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("sets-choice-group");
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  const list = document.createElement("div");
  list.className = "sets-choice-list";
  const status = document.createElement("p");
  status.className = "sets-choice-status";
  status.setAttribute("role", "status");
  fieldset.append(legend, list);
  el.append(fieldset, status);

  const inputs = () => Array.from(list.querySelectorAll("input[type=radio]"));

  function drawLegend() {
    legend.textContent = "";
    const number = model.get("number");
    if (number) {
      const strong = document.createElement("strong");
      strong.textContent = number + " ";
      legend.append(strong);
    }
    legend.append(document.createTextNode(model.get("prompt")));
  }

  function drawOptions() {
    list.textContent = "";
    model.get("choices").forEach(([value, text], i) => {
      const label = document.createElement("label");
      label.className = "sets-choice";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = JSON.stringify(value);
      input.dataset.index = String(i);
      const span = document.createElement("span");
      span.textContent = text;
      label.append(input, span);
      list.append(label);
    });
    sync();
  }

  function sync() {
    const value = JSON.stringify(model.get("value"));
    const disabled = model.get("disabled");
    for (const input of inputs()) {
      input.checked = input.value === value;
      input.disabled = disabled;
    }
    fieldset.toggleAttribute("disabled", disabled);
  }

  function choose(input) {
    if (!input || input.disabled) return;
    input.checked = true;
    model.set("value", JSON.parse(input.value));
    model.save_changes();
  }

  list.addEventListener("change", (event) => {
    if (event.target.name === name) choose(event.target);
  });
  fieldset.addEventListener("keydown", (event) => {
    const all = inputs();
    const at = all.indexOf(event.target);
    if (at < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    let next = null;
    switch (event.key) {
      case "ArrowDown": case "ArrowRight": next = all[(at + 1) % all.length]; break;
      case "ArrowUp": case "ArrowLeft": next = all[(at - 1 + all.length) % all.length]; break;
      case "Home": next = all[0]; break;
      case "End": next = all[all.length - 1]; break;
      case " ": case "Enter": choose(event.target); break;
      default: return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (next) next.focus();
  });
  // Space's default action (checking the radio) fires on keyup: it is handled on keydown.
  fieldset.addEventListener("keyup", (event) => {
    if (event.key === " " && inputs().includes(event.target)) { event.preventDefault(); event.stopPropagation(); }
  });

  model.on("change:value", sync);
  model.on("change:disabled", sync);
  model.on("change:choices", drawOptions);
  model.on("change:prompt", drawLegend);
  model.on("change:number", drawLegend);
  model.on("change:status", () => { status.textContent = model.get("status"); });
  drawLegend();
  drawOptions();
  status.textContent = model.get("status");
}

export default { render };
