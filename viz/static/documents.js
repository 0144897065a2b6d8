/* Documents page: what is loaded and how well (tasks, units, unresolved names, notes, place);
   upload with progress, replace and remove — writes need the API key. */
"use strict";
(() => {
  const { h, api, enc } = DG;
  DG.header("documents");
  const main = document.getElementById("main");
  const ACCEPT = ".txt,.csv,.tsv,.docx,.doc,.wps,.rtf,.odt,.pdf,.html,.htm,.xlsx,.xls";
  const KEY_STORE = "dutygraph-api-key";

  const keyInput = h("input", { type: "password", id: "api-key", autocomplete: "off", size: 28,
    placeholder: "X-API-Key", value: sessionStorage.getItem(KEY_STORE) || "" });
  keyInput.addEventListener("change", () => sessionStorage.setItem(KEY_STORE, keyInput.value.trim()));
  const fileInput = h("input", { type: "file", id: "upload-file", accept: ACCEPT, multiple: true });
  const placeInput = h("input", { type: "text", id: "upload-place", size: 10, maxlength: 30,
    placeholder: "如 立山区" });
  const progress = h("progress", { id: "upload-progress", max: 100, value: 0, class: "hidden" });
  const status = h("div", { id: "upload-status", role: "status", "aria-live": "polite" });
  const table = h("table", { id: "documents" });

  /** Send a write (POST a file / DELETE) with the key; resolves to the JSON body, reports upload progress. */
  function send(method, path, form) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path);
      xhr.setRequestHeader("Accept", "application/json");
      const key = keyInput.value.trim();
      if (key) xhr.setRequestHeader("X-API-Key", key);
      if (form) {
        progress.value = 0;
        progress.classList.remove("hidden");
        xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total); };
      }
      xhr.onload = () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        progress.classList.add("hidden");
        if (xhr.status >= 200 && xhr.status < 300) resolve(body);
        else reject(new DG.ApiError(xhr.status, body));
      };
      xhr.onerror = () => { progress.classList.add("hidden"); reject(new Error("网络错误，未能连接服务器")); };
      xhr.send(form || null);
    });
  }

  function say(kind, ...text) {
    status.className = { error: "error", ok: "card ok" }[kind] || "card busy";
    status.replaceChildren(h("p", {}, ...text));
  }

  function failure(e) {
    if (e.status === 403 && /DUTYGRAPH_API_KEY/.test(e.message)) return "服务端未开启写入（未设置 DUTYGRAPH_API_KEY）。";
    if (e.status === 403) return "API 密钥缺失或不正确，请在上方填写正确的密钥。";
    return e.message || String(e);
  }

  /** What became of one uploaded file (an item of the answer). */
  function outcome(item) {
    const c = (item.detail && item.detail.counts) || {};
    return item.status === "duplicate" ? "与已载入的文件内容相同（重复件），未重复计入任务" :
      item.status === "unchanged" ? "与图谱中已载入的同名文件完全相同，图谱未改动" :
      item.status === "failed" ? `未载入：${item.error}` :
      item.status === "unknown" ? `结果未知：${item.error}` :
      `已载入：任务 ${c.tasks ?? 0} 项，牵头 ${c.leads ?? 0}，配合 ${c.supports ?? 0}，未识别单位 ${c.unresolved ?? 0}`;
  }

  /** Several files answered one by one, in the order chosen. */
  function sayEach(body) {
    const n = body.summary || {};
    say(body.status === "ok" ? "ok" : "error", `共 ${body.items.length} 份：载入 ${n.loaded ?? 0}，重复件 ${n.duplicate ?? 0}，` +
      `未改动 ${n.unchanged ?? 0}，失败 ${(n.failed ?? 0) + (n.unknown ?? 0)}。`);
    status.append(h("ul", { id: "upload-results", class: "small plain" }, body.items.map((item) =>
      h("li", { dataset: { source: item.source, status: item.status } },
        item.error ? outcome(item) : `${item.source}：${outcome(item)}`))));  // an error names its file
  }

  /** Upload files in one request; with `old`, the one file takes that document's place in the same write
      (any name, any format). */
  async function upload(files, old) {
    if (!files.length) { say("error", "请先选择要上传的文件。"); return; }
    const form = new FormData();
    for (const file of files) form.append("file", file, file.name);
    if (placeInput.value.trim()) form.append("jurisdiction", placeInput.value.trim());
    if (old) form.append("replaces", old.id);
    say("info", old ? `正在用 ${files[0].name} 替换 ${old.source} …` :
      files.length > 1 ? `正在上传并载入 ${files.length} 份文件 …` : `正在上传并载入 ${files[0].name} …`);
    try {
      const body = await send("POST", "/documents", form);
      if (body.items) sayEach(body);
      else say("ok", `${body.source}：${outcome(body)}${old && old.source !== body.source ? `；已取代 ${old.source}` : ""}。`);
      fileInput.value = "";
      await refresh();
    } catch (e) {
      say("error", `上传失败：${failure(e)}`);
    }
  }

  async function remove(doc) {
    if (!window.confirm(`确定删除“${doc.source}”及其全部任务吗？`)) return;
    try {
      await send("DELETE", `/documents/${enc(doc.id)}`);
      say("ok", `已删除 ${doc.source}。`);
      await refresh();
    } catch (e) {
      say("error", `删除失败：${failure(e)}`);
    }
  }

  function replace(doc) {
    const picker = h("input", { type: "file", accept: ACCEPT, class: "hidden" });
    picker.addEventListener("change", () => { upload([...picker.files].slice(0, 1), doc); picker.remove(); });
    document.body.append(picker);
    picker.click();
  }

  function listCell(items, cls) {
    if (!items || !items.length) return h("td", { class: `n ${cls}` }, "0");
    return h("td", { class: `n ${cls}` }, h("details", {},
      h("summary", {}, String(items.length)),
      h("ul", { class: "small plain" }, items.map((x) => h("li", {}, x)))));
  }

  function row(doc) {
    return h("tr", { dataset: { source: doc.source, id: doc.id } },
      h("td", { class: "source" }, doc.source, doc.duplicate_of ? h("span", { class: "small muted" }, "（重复件）") : null),
      h("td", {}, h("a", { href: DG.links.document(doc.id), class: "doc-link" }, DG.shorten(doc.title || doc.source || "", 40))),
      h("td", { class: "place" }, doc.jurisdiction || h("span", { class: "muted" }, "未识别")),
      h("td", { class: "n tasks" }, doc.tasks ?? 0),
      h("td", { class: "n unit-count" }, doc.units ?? 0),
      listCell(doc.unresolved_names, "unresolved"),
      listCell(doc.warnings, "warnings"),
      h("td", { class: "actions" },
        h("button", { type: "button", class: "replace", onclick: () => replace(doc) }, "替换"),
        h("button", { type: "button", class: "remove", onclick: () => remove(doc) }, "删除")));
  }

  async function refresh() {
    let items;
    try {
      items = await DG.allItems("/documents");
    } catch (e) {
      DG.showError(table, e, "文件列表");
      return;
    }
    document.getElementById("doc-count").textContent = String(items.length);
    table.replaceChildren(
      h("thead", {}, h("tr", {}, ["文件", "标题", "发文地区", "任务", "单位", "未识别单位", "提示", "操作"]
        .map((t, i) => h("th", { class: i >= 3 && i <= 6 ? "n" : null }, t)))),
      h("tbody", {}, items.length ? items.map(row)
        : h("tr", {}, h("td", { colspan: 8, class: "muted" }, "还没有载入任何文件。"))));
    DG.mark("dg-documents");
  }

  main.replaceChildren(
    h("h1", {}, "文件管理"),
    h("div", { class: "card", id: "write-panel" },
      h("p", { class: "small muted", id: "key-note" },
        "查看无需密钥；上传、替换、删除需要 API 密钥（服务端的 DUTYGRAPH_API_KEY），密钥只保存在本页会话中。"),
      h("div", { class: "filters" },
        h("label", { for: "api-key" }, "API 密钥 "), keyInput),
      h("div", { class: "filters" },
        h("label", { for: "upload-file" }, "文件 "), fileInput,
        h("label", { for: "upload-place" }, " 发文地区（可选）"), placeInput,
        h("button", { type: "button", id: "upload-button", onclick: () => upload([...fileInput.files]) }, "上传并载入"),
        progress),
      h("p", { class: "small muted" },
        "可一次选择多份文件，一并载入并逐份给出结果。支持 .txt .csv .docx .pdf（文字版）.html .xlsx .xls；.doc .wps 需服务器装有 LibreOffice。替换：所选文件（文件名、格式可以不同）与删除旧文件在同一次写入中完成，不会两份并存，也不会两份都没有。"),
      status),
    h("h2", {}, "已载入的文件（", h("span", { id: "doc-count" }, "…"), " 份）"),
    table);
  refresh();
})();
