/* The search box with suggestions (units first, then districts, then tasks): on the home page and in
 * every page's header. Units are found the way people type them — short names (卫健委), pinyin (wjw,
 * weijianwei), full official names, Traditional script — by the API's /agencies?q=. */
"use strict";
DG.search = (() => {
  const { h, api, enc, links } = DG;

  /** Matching units, districts and tasks for `q`. */
  async function suggestions(q, { agencies = 8, tasks = 6 } = {}) {
    const [ag, tk, ds] = await Promise.all([
      api(`/agencies?q=${enc(q)}&limit=${agencies}`).catch(() => ({ items: [] })),
      api(`/tasks?q=${enc(q)}&limit=${tasks}`).catch(() => ({ items: [], total: 0 })),
      api("/districts").catch(() => []),
    ]);
    const units = ag.items || [];
    const districtNames = (Array.isArray(ds) ? ds : ds.items || []).map((d) => d.name || d);
    // a district's name, or its government found by pinyin or short name (wc → 武昌区人民政府)
    const governed = units.filter((a) => a.type === "district_government" && a.jurisdiction).map((a) => a.jurisdiction);
    const districts = [...new Set([...districtNames.filter((d) => d.includes(q)), ...governed])].slice(0, 5);
    return { agencies: units, agencyTotal: ag.total || units.length, tasks: tk.items || [], taskTotal: tk.total || 0, districts };
  }

  function renderInto(box, { agencies, tasks, districts }, q) {
    const parts = [];
    if (agencies.length) {
      parts.push(h("div", { class: "group" }, "单位"));
      agencies.forEach((a) => parts.push(h("a", { href: links.agency(a.name), class: "sg-agency" }, a.name,
        h("span", { class: "kind" }, [DG.AGENCY_TYPES[a.type], a.jurisdiction].filter(Boolean).join(" · ")))));
    }
    if (districts.length) {
      parts.push(h("div", { class: "group" }, "区"));
      districts.forEach((d) => parts.push(h("a", { href: links.district(d), class: "sg-district" }, d)));
    }
    if (tasks.length) {
      parts.push(h("div", { class: "group" }, "任务"));
      tasks.forEach((t) => parts.push(h("a", { href: links.task(t.id), class: "sg-task" },
        DG.shorten(`${t.number ? t.number + "．" : ""}${t.text || ""}`, 60), h("span", { class: "kind" }, t.source || ""))));
    }
    parts.push(h("a", { href: `/ui/?q=${enc(q)}`, class: "sg-all" }, `查看“${q}”的全部结果`));
    box.replaceChildren(...parts);
    box.classList.remove("hidden");
  }

  /** Wire an <input> and its suggestion box: typing shows suggestions, arrows move, Enter opens. */
  function attach(input, box) {
    let seq = 0;
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (!q) { box.classList.add("hidden"); return; }
      timer = setTimeout(async () => {
        const mine = ++seq;
        const s = await suggestions(q);
        if (mine === seq) renderInto(box, s, q);
      }, 150);
    });
    input.addEventListener("keydown", (e) => {
      const items = [...box.querySelectorAll("a")];
      if (!items.length || box.classList.contains("hidden")) return;
      const i = items.findIndex((a) => a.classList.contains("active"));
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const j = e.key === "ArrowDown" ? Math.min(i + 1, items.length - 1) : Math.max(i - 1, 0);
        items.forEach((a) => a.classList.remove("active"));
        items[j].classList.add("active");
      } else if (e.key === "Enter" && i >= 0) {
        e.preventDefault();
        location.href = items[i].href;
      } else if (e.key === "Escape") {
        box.classList.add("hidden");
      }
    });
    document.addEventListener("click", (e) => {
      if (!box.contains(e.target) && e.target !== input) box.classList.add("hidden");
    });
  }

  /** The header's search form (every page but the home page, which has its own big box). */
  function headerForm() {
    const input = h("input", { id: "hq", type: "search", autocomplete: "off", placeholder: "搜索单位、任务、区…",
      "aria-label": "搜索" });
    const box = h("div", { class: "suggest hidden", id: "header-suggest", role: "listbox" });
    const form = h("form", { class: "header-search", role: "search", onsubmit: (e) => {
      e.preventDefault();
      const q = input.value.trim();
      if (q) location.href = `/ui/?q=${enc(q)}`;
    } }, input, box);
    attach(input, box);
    return form;
  }

  return { suggestions, renderInto, attach, headerForm };
})();
