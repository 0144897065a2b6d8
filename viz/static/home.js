/* Home: search with suggestions, headline numbers, busiest agencies. */
"use strict";
(() => {
  const { h, api, enc, links } = DG;
  DG.header("home");
  const main = document.getElementById("main");

  const input = h("input", { id: "q", type: "search", autocomplete: "off",
    placeholder: "输入单位、任务内容或区名，例如：卫健委、托育、武昌区", "aria-label": "搜索" });
  const box = h("div", { class: "suggest hidden", id: "suggest", role: "listbox" });
  const results = h("div", { id: "results" });
  const numbers = h("div", { class: "numbers", id: "numbers" });
  const busiest = h("div", { class: "card", id: "busiest" }, h("p", { class: "muted" }, "正在加载…"));

  main.replaceChildren(
    h("section", { class: "hero" },
      h("h1", {}, "责任图谱"),
      h("p", { class: "muted" }, "谁牵头、谁配合、目标是多少——从任务分解文件中查找"),
      h("form", { class: "search", onsubmit: (e) => { e.preventDefault(); search(input.value.trim()); } },
        input, box)),
    numbers,
    results,
    h("h2", {}, "任务最多的单位"),
    busiest);

  const districtName = (a) => a.name.replace(/人民政府$/, "").replace(/管委会$/, "");

  /** Suggestions from three sources; districts come from /districts if the API has it. */
  async function suggestions(q) {
    const [ag, tk, ds] = await Promise.all([
      api(`/agencies?q=${enc(q)}&limit=8`).catch(() => ({ items: [] })),
      api(`/tasks?q=${enc(q)}&limit=6`).catch(() => ({ items: [] })),
      api(`/districts?q=${enc(q)}&limit=5`).catch(() => null),
    ]);
    const agencies = ag.items || [];
    let districts = ds ? (ds.items || ds).map((d) => d.name || d) : [];
    if (!ds) {
      districts = agencies.filter((a) => a.type === "district_government").map(districtName);
    }
    return { agencies, tasks: tk.items || [], districts: districts.filter((d) => d.includes(q)) };
  }

  let seq = 0;
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { box.classList.add("hidden"); return; }
    timer = setTimeout(async () => {
      const mine = ++seq;
      const s = await suggestions(q);
      if (mine !== seq) return;
      renderSuggest(s);
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
  document.addEventListener("click", (e) => { if (!box.contains(e.target) && e.target !== input) box.classList.add("hidden"); });

  function renderSuggest({ agencies, tasks, districts }) {
    const parts = [];
    if (agencies.length) {
      parts.push(h("div", { class: "group" }, "单位"));
      agencies.forEach((a) => parts.push(h("a", { href: links.agency(a.name), class: "sg-agency" }, a.name,
        h("span", { class: "kind" }, DG.AGENCY_TYPES[a.type] || ""))));
    }
    if (districts.length) {
      parts.push(h("div", { class: "group" }, "区"));
      districts.forEach((d) => parts.push(h("a", { href: links.district(d), class: "sg-district" }, d)));
    }
    if (tasks.length) {
      parts.push(h("div", { class: "group" }, "任务"));
      tasks.forEach((t) => parts.push(h("a", { href: links.task(t.id), class: "sg-task" },
        DG.shorten(`${t.number ? t.number + "．" : ""}${t.text}`, 60), h("span", { class: "kind" }, t.source || ""))));
    }
    if (!parts.length) parts.push(h("div", { class: "group" }, "没有匹配的结果"));
    box.replaceChildren(...parts);
    box.classList.remove("hidden");
  }

  async function search(q) {
    if (!q) return;
    box.classList.add("hidden");
    history.replaceState(null, "", `/ui/?q=${enc(q)}`);
    results.replaceChildren(h("p", { class: "muted" }, "正在搜索…"));
    const s = await suggestions(q);
    const [tasks, docs] = await Promise.all([
      api(`/tasks?q=${enc(q)}&limit=100`).catch(() => ({ items: [], total: 0 })), DG.documents()]);
    results.replaceChildren(h("div", { class: "card" },
      h("h2", {}, `“${q}”的搜索结果`),
      s.agencies.length ? h("p", {}, "单位：", ...DG.joinLinks(s.agencies.map((a) => a.name))) : null,
      s.districts.length ? h("p", {}, "区：", ...s.districts.map((d) => h("a", { href: links.district(d) }, d, " "))) : null,
      h("h3", {}, `任务（共 ${tasks.total ?? tasks.items.length} 项）`),
      tasks.items.length ? DG.taskList(tasks.items, { docs, collapse: true }) : h("p", { class: "muted" }, "没有找到相关任务。")));
  }

  async function loadNumbers() {
    try {
      const health = await api("/health");
      const c = health.counts || {};
      numbers.replaceChildren(...[["Document", "文件"], ["Task", "任务"], ["Agency", "单位"], ["Indicator", "指标"]]
        .map(([k, label]) => h("div", { class: "num", dataset: { kind: k } }, h("b", {}, c[k] ?? 0), label)));
    } catch (e) {
      numbers.replaceChildren(h("p", { class: "error" }, "无法读取统计数字。"));
    }
  }

  async function loadBusiest() {
    try {
      const body = await api("/stats/workload?limit=15");
      const rows = (Array.isArray(body) ? body : body.items || []).slice(0, 15);
      const max = Math.max(1, ...rows.map((r) => r.total));
      busiest.replaceChildren(h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, "单位"), h("th", {}, "类型"), h("th", { class: "n" }, "牵头"),
          h("th", { class: "n" }, "配合"), h("th", { class: "n" }, "合计"), h("th", {}, ""))),
        h("tbody", {}, rows.map((r) => h("tr", {},
          h("td", {}, DG.agencyLink(r.name)),
          h("td", { class: "muted" }, DG.AGENCY_TYPES[r.type] || ""),
          h("td", { class: "n" }, r.lead), h("td", { class: "n" }, r.support), h("td", { class: "n" }, r.total),
          h("td", {}, h("span", { class: "bar", style: `width:${(120 * r.lead) / max}px` }),
            h("span", { class: "bar support", style: `width:${(120 * r.support) / max}px` })))))));
    } catch (e) {
      busiest.replaceChildren(h("p", { class: "error" }, "无法读取单位工作量。"));
    }
  }

  loadNumbers();
  loadBusiest();
  const q0 = new URLSearchParams(location.search).get("q");
  if (q0) { input.value = q0; search(q0); }
  input.focus();
})();
