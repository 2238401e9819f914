// The policy editor's helpers: line numbers, live validation, jumping to a
// problem's line, Save disabled again after an edit, Tab indents.
// Loaded with <script src defer>: the page's CSP forbids inline scripts, and
// also style="" attributes, so everything here is placed through CSS classes
// and CSSOM writes (el.style.x = ...), which style-src allows.
// Without this script the form still works: Check shows the same problems.
"use strict";
(() => {
  const policy = document.getElementById("policy-text");
  if (!policy) return;
  const form = policy.form;
  const status = document.getElementById("live-status");
  const save = form.querySelector('button[name="action"][value="save"]');
  const policyFile = policy.closest(".editor").dataset.file;
  const areas = [policy, ...form.querySelectorAll('textarea[name^="list:"]')];
  const DEBOUNCE_MS = 600; // long enough not to validate on every keystroke

  // Issues name files as the server does: the policy file's name, or a list file's.
  const fileOf = (ta) => (ta === policy ? policyFile : ta.name.slice("list:".length));
  const areaFor = (file) => areas.find((ta) => fileOf(ta) === file);

  // -- line-number gutter ---------------------------------------------------
  // The gutter lies over the textarea's left padding. The numbers are moved
  // by -scrollTop (a transform, so there is no scroll limit to clamp them),
  // and use the textarea's own font and line height so they stay on their lines.
  const gutters = new Map(); // textarea -> {box, numbers, bad: Set of line numbers}
  function addGutter(ta) {
    const body = document.createElement("div");
    body.className = "editor-body with-gutter";
    ta.before(body);
    const box = document.createElement("div");
    box.className = "editor-gutter";
    box.setAttribute("aria-hidden", "true"); // screen readers have the text itself
    const numbers = document.createElement("div");
    box.append(numbers);
    body.append(box, ta);
    gutters.set(ta, {box, numbers, bad: new Set()});
    ta.addEventListener("scroll", () => place(ta));
    new ResizeObserver(() => place(ta)).observe(ta); // the resize handle, the window
    renderGutter(ta);
  }
  function renderGutter(ta) {
    const {numbers, bad} = gutters.get(ta);
    const count = ta.value.split("\n").length; // wrap="off": one line, one row
    while (numbers.childElementCount < count) {
      numbers.append(Object.assign(document.createElement("div"),
                                   {textContent: numbers.childElementCount + 1}));
    }
    while (numbers.childElementCount > count) numbers.lastChild.remove();
    numbers.childNodes.forEach((n, i) => n.classList.toggle("bad", bad.has(i + 1)));
    place(ta);
  }
  function place(ta) {
    const {box, numbers} = gutters.get(ta);
    const css = getComputedStyle(ta);
    box.style.top = `${ta.clientTop}px`; // inside the border, clear of a horizontal scrollbar
    box.style.left = `${ta.clientLeft}px`;
    box.style.height = `${ta.clientHeight}px`;
    for (const k of ["paddingTop", "fontFamily", "fontSize", "lineHeight"]) box.style[k] = css[k];
    numbers.style.transform = `translateY(${-ta.scrollTop}px)`;
  }
  function markLines(issues) {
    gutters.forEach((g) => g.bad.clear());
    for (const i of issues) {
      const ta = areaFor(i.file);
      if (ta && i.line) gutters.get(ta).bad.add(Number(i.line));
    }
    areas.forEach(renderGutter);
  }

  // -- jumping to a problem -------------------------------------------------
  function jump(file, line) {
    const ta = areaFor(file);
    if (!ta || !line) return false;
    const details = ta.closest("details");
    if (details) details.open = true; // a folded list file cannot show its caret
    const lines = ta.value.split("\n");
    const n = Math.min(Math.max(Number(line), 1), lines.length);
    let start = 0;
    for (let i = 0; i < n - 1; i++) start += lines[i].length + 1;
    ta.focus({preventScroll: true});
    ta.setSelectionRange(start, start); // the caret at the line's start; no text selected
    const css = getComputedStyle(ta);
    const lh = parseFloat(css.lineHeight);
    const top = (n - 1) * lh; // the line's offset in the text
    const view = ta.clientHeight - parseFloat(css.paddingTop) - parseFloat(css.paddingBottom);
    if (top < ta.scrollTop || top + lh > ta.scrollTop + view) { // only if it is hidden
      ta.scrollTop = Math.max(0, top - view / 3);
    }
    const y = ta.getBoundingClientRect().top + ta.clientTop + parseFloat(css.paddingTop) +
      (n - 1) * lh - ta.scrollTop;
    if (y < 0 || y + lh > window.innerHeight) { // then the page, if the line is off screen
      window.scrollBy(0, y - window.innerHeight / 3);
    }
    return true;
  }

  function onIssueClick(event) { // a link in #live-status or a server-rendered #issues item
    const item = event.target.closest("[data-line]");
    if (item && jump(item.dataset.file, item.dataset.line)) event.preventDefault();
  }

  // -- live validation ------------------------------------------------------
  let timer = 0;
  let asked = 0; // answers can overtake each other; only the newest one is shown
  async function validate() {
    const mine = ++asked;
    const lists = {};
    for (const ta of areas.slice(1)) lists[fileOf(ta)] = ta.value;
    let answer;
    try {
      const resp = await fetch(policy.dataset.validateUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json",
                  "X-CSRFToken": form.elements.csrf_token.value},
        body: JSON.stringify({text: policy.value, lists}),
      });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      answer = await resp.json(); // a signed-out session gets HTML: this throws
    } catch (err) {
      if (mine === asked) say(`Live check unavailable (${err.message}); use Check.`, false);
      return;
    }
    if (mine === asked) showIssues(answer.issues || []);
  }
  function say(text, bad) {
    status.replaceChildren(text);
    status.classList.toggle("bad", bad);
  }
  function showIssues(issues) {
    markLines(issues);
    if (!issues.length) return say("No problems found.", false);
    say(`${issues.length} problem${issues.length === 1 ? "" : "s"}:`, true);
    for (const i of issues) {
      const row = document.createElement("span");
      row.className = "live-issue";
      if (i.line) {
        const link = document.createElement("a");
        link.href = `#${i.file}-L${i.line}`;
        link.dataset.file = i.file;
        link.dataset.line = i.line;
        link.textContent = `${i.file}:${i.line}`;
        row.append(" ", link, `: ${i.message}`);
      } else {
        row.append(` ${i.file}: ${i.message}`);
      }
      status.append(row);
    }
  }

  // -- Save needs a preview of exactly this draft ---------------------------
  // The server refuses anything else; disabling the button says so at once.
  const loaded = areas.map((ta) => ta.value);
  const previewed = save && !save.disabled; // the page came with this draft previewed
  function gateSave() {
    if (!save) return;
    const unchanged = previewed && areas.every((ta, i) => ta.value === loaded[i]);
    save.disabled = !unchanged;
    save.title = unchanged ? "" : "Preview this draft first";
  }

  // -- Tab inserts two spaces (YAML indents with spaces) ----------------------
  // Escape then Tab leaves the textarea, so keyboard users are not trapped.
  let escaped = false;
  function onKey(event) {
    const plainTab = event.key === "Tab" &&
      !(event.shiftKey || event.ctrlKey || event.altKey || event.metaKey);
    if (!plainTab || escaped) {
      escaped = event.key === "Escape";
      return;
    }
    event.preventDefault();
    // execCommand keeps the undo history and fires "input"; setRangeText if it is gone.
    if (!document.execCommand("insertText", false, "  ")) {
      const ta = event.target;
      ta.setRangeText("  ", ta.selectionStart, ta.selectionEnd, "end");
      ta.dispatchEvent(new Event("input", {bubbles: true}));
    }
  }

  // -- wiring ---------------------------------------------------------------
  for (const ta of areas) {
    addGutter(ta);
    ta.addEventListener("keydown", onKey);
    ta.addEventListener("input", () => {
      renderGutter(ta);
      gateSave();
      clearTimeout(timer);
      timer = setTimeout(validate, DEBOUNCE_MS);
    });
  }
  status.addEventListener("click", onIssueClick);
  const serverIssues = document.getElementById("issues"); // a refused Check/Preview/Save
  if (serverIssues) {
    serverIssues.addEventListener("click", onIssueClick);
    markLines([...serverIssues.querySelectorAll("li[data-line]")]
      .map((li) => ({file: li.dataset.file, line: li.dataset.line})));
  }
})();
