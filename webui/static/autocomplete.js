/* Completions under the search box of timkiem's own pages, as the reader types.
 * Progressive enhancement: without this script the form is a plain search form. The box
 * follows the ARIA combobox pattern: ↑/↓ move through the list, Enter searches the chosen
 * completion, Esc closes the list. */
(() => {
  "use strict";
  const input = document.querySelector("input[data-autocomplete]");
  if (!input || !window.fetch) return;
  const form = input.form;
  const list = document.createElement("ul");
  const live = document.createElement("div");
  list.id = "q-completions";
  list.className = "completions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Gợi ý");
  list.hidden = true;
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  form.append(list, live);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  let seq = 0, timer = 0, active = -1, composing = false;
  const cache = new Map();

  function close() {
    move(-1);
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function move(i) {
    const options = list.children;
    for (let j = 0; j < options.length; j++) options[j].setAttribute("aria-selected", String(j === i));
    active = i;
    if (options[i]) input.setAttribute("aria-activedescendant", options[i].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(text) {
    input.value = text;
    close();
    form.submit();
  }

  function show(q, completions) {
    list.replaceChildren(...completions.map((s, i) => {
      const li = document.createElement("li");
      li.id = "q-completion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = s; // text, never markup
      li.addEventListener("mousedown", (e) => e.preventDefault()); // keep the focus in the box
      li.addEventListener("click", () => choose(s));
      return li;
    }));
    active = -1;
    const open = completions.length > 0 && document.activeElement === input;
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    live.textContent = open ? completions.length + " gợi ý" : "";
  }

  async function complete() {
    const q = input.value;
    const mine = ++seq;
    if (!q.trim()) return show(q, []);
    let completions = cache.get(q);
    if (!completions) {
      const url = new URL(input.dataset.autocomplete, location.href);
      url.searchParams.set("q", q);
      try {
        const res = await fetch(url, { headers: { Accept: "application/json" } });
        if (!res.ok) return;
        completions = (await res.json()).suggestions || [];
      } catch (_) {
        return; // no completions: the form still works
      }
      cache.set(q, completions);
    }
    if (mine === seq) show(q, completions); // an answer to an older prefix is dropped
  }

  input.addEventListener("input", (e) => {
    clearTimeout(timer);
    if (composing || e.isComposing) return; // an input method is still composing the word
    timer = setTimeout(complete, 120);
  });
  input.addEventListener("compositionstart", () => { composing = true; });
  input.addEventListener("compositionend", () => { composing = false; timer = setTimeout(complete, 120); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (e) => {
    if (e.isComposing) return;
    const n = list.children.length;
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && n) {
      e.preventDefault();
      if (list.hidden) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      const i = active + (e.key === "ArrowDown" ? 1 : -1);
      move(i >= n ? -1 : i < -1 ? n - 1 : i);
    } else if (e.key === "Enter" && !list.hidden && active >= 0) {
      e.preventDefault();
      choose(list.children[active].textContent);
    } else if (e.key === "Escape" && !list.hidden) {
      e.preventDefault();
      close();
    }
  });
})();
