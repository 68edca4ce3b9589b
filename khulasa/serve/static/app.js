// Khulasa's web page: a view over the JSON of POST /v1/summarize.
// Article text is untrusted: every node is built with createElement/textContent, never innerHTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { lastRequest: null, lastJson: "", lastMarkdown: null };

  // ---- DOM helper -------------------------------------------------------------------------------------
  // A sentence's text with each word the summary inserted (a speaker's name, sentence.inserted) in <ins>.
  function shownPieces(sentence) {
    const out = [];
    let at = 0;
    for (const ins of [...(sentence.inserted || [])].sort((a, b) => a.start - b.start)) {
      if (ins.start > at) out.push(sentence.text.slice(at, ins.start));
      out.push(el("ins", { className: "inserted", title: "أضافته الخلاصة من الجملة السابقة في المقال" },
        sentence.text.slice(ins.start, ins.end)));
      at = ins.end;
    }
    out.push(sentence.text.slice(at));
    return out;
  }

  // A comparison row repeats a summary sentence (same unit id and text): shown as that sentence.
  function rowPieces(row, sentences) {
    const s = sentences.find((x) => x.unit_id === row.unit_id && x.text === row.text);
    return s ? shownPieces(s) : [row.text];
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // "N sources" with Arabic number agreement, as render._outlets_label.
  function outletsLabel(n) {
    if (n === 1) return "مصدر واحد";
    if (n === 2) return "مصدران";
    if (n % 100 >= 3 && n % 100 <= 10) return n + " مصادر";
    return n + " مصدرًا";
  }

  function outletsOf(spans) {
    return [...new Set(spans.map((sp) => sp.source || sp.article_id))];
  }

  // ---- article boxes ----------------------------------------------------------------------------------
  const boxes = $("articles");
  const extras = new WeakMap(); // box -> {id, title, url} kept from uploaded .json files

  function renumber() {
    [...boxes.children].forEach((box, i) => {
      box.querySelector(".article-number").textContent = "مقال " + (i + 1);
    });
  }

  function addBox(article) {
    const box = $("article-input-template").content.firstElementChild.cloneNode(true);
    const a = article || {};
    box.querySelector(".text").value = a.text || "";
    box.querySelector(".outlet").value = a.source || "";
    if (typeof a.date === "string" && /^\d{4}-\d{2}-\d{2}/.test(a.date)) {
      box.querySelector(".date").value = a.date.slice(0, 10);
    }
    extras.set(box, { id: a.id, title: a.title, url: a.url });
    box.querySelector(".remove").addEventListener("click", () => {
      box.remove();
      if (!boxes.children.length) addBox();
      renumber();
    });
    boxes.append(box);
    renumber();
    return box;
  }

  function isEmptyBox(box) {
    return !box.querySelector(".text").value.trim() && !box.querySelector(".outlet").value.trim();
  }

  function setArticles(articles, replace) {
    if (replace) boxes.replaceChildren();
    else [...boxes.children].filter(isEmptyBox).forEach((box) => box.remove());
    articles.forEach((a) => addBox(a));
    if (!boxes.children.length) addBox();
    renumber();
  }

  function readBoxes() {
    return [...boxes.children]
      .map((box) => {
        const text = box.querySelector(".text").value;
        if (!text.trim()) return null;
        const extra = extras.get(box) || {};
        const article = { text: text };
        const source = box.querySelector(".outlet").value.trim();
        const date = box.querySelector(".date").value;
        if (extra.id) article.id = String(extra.id);
        if (source) article.source = source;
        if (extra.title) article.title = String(extra.title);
        if (date) article.date = date;
        if (extra.url) article.url = String(extra.url);
        return article;
      })
      .filter(Boolean);
  }

  // ---- files ------------------------------------------------------------------------------------------
  // Decode like ingest does for the common cases: a BOM wins, then strict UTF-8, then Windows-1256.
  function decode(buffer) {
    const bytes = new Uint8Array(buffer);
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (e) {
      return new TextDecoder("windows-1256").decode(bytes);
    }
  }

  function articlesFromJson(value) {
    if (Array.isArray(value)) return value;
    if (value && Array.isArray(value.articles)) return value.articles;
    return [value];
  }

  async function readFile(file) {
    const text = decode(await file.arrayBuffer());
    const stem = file.name.replace(/\.[^.]*$/, "");
    if (/\.jsonl$/i.test(file.name)) {
      return text.split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
    }
    if (/\.json$/i.test(file.name)) {
      const list = articlesFromJson(JSON.parse(text));
      return list.map((a, i) => (a && typeof a === "object" ? a : { text: String(a), id: stem + "-" + (i + 1) }));
    }
    return [{ text: text, id: stem }];
  }

  $("files").addEventListener("change", async (event) => {
    const input = event.target;
    const loaded = [];
    for (const file of input.files) {
      try {
        loaded.push(...(await readFile(file)));
      } catch (e) {
        showError("تعذرت قراءة الملف " + file.name + ": " + e.message);
      }
    }
    input.value = "";
    if (loaded.length) setArticles(loaded.filter((a) => typeof a.text === "string"), false);
  });

  $("add-article").addEventListener("click", () => addBox().querySelector(".text").focus());
  $("clear-articles").addEventListener("click", () => setArticles([], true));
  $("load-example").addEventListener("click", async () => {
    try {
      const response = await fetch("/static/example.json");
      const example = await response.json();
      setArticles(articlesFromJson(example), true);
      if (example.options) applyOptions(example.options);
    } catch (e) {
      showError("تعذر تحميل المثال: " + e.message);
    }
  });

  // The example's own settings (a budget that shows sentences several outlets report, timeline, key terms).
  function applyOptions(options) {
    const unit = options.sentences ? "sentences" : "words";
    document.querySelector('input[name="budget-unit"][value="' + unit + '"]').checked = true;
    if (options[unit]) $("budget").value = options[unit];
    $("timeline").checked = Boolean(options.timeline);
    $("key-terms").checked = Boolean(options.key_terms);
  }

  // A sensible number when the unit changes: 120 words or 5 sentences.
  document.querySelectorAll('input[name="budget-unit"]').forEach((radio) => {
    radio.addEventListener("change", () => {
      $("budget").value = radio.value === "sentences" ? 5 : 120;
    });
  });

  // ---- talking to the API -----------------------------------------------------------------------------
  const MESSAGES = {
    no_arabic_text: "لم نجد نصًا عربيًا في المقالات.",
    body_too_large: "المقالات أطول من الحد المسموح به للطلب الواحد.",
    too_many_articles: "عدد المقالات أكبر من الحد المسموح به.",
    too_many_words: "مجموع كلمات المقالات أكبر من الحد المسموح به.",
    timeout: "استغرق التلخيص وقتًا أطول من المسموح؛ جرّب مقالات أقل.",
  };

  function showError(text) {
    const box = $("error");
    box.textContent = text;
    box.hidden = false;
  }

  function clearError() {
    $("error").hidden = true;
    $("error").textContent = "";
  }

  async function post(path, payload) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
    const text = await response.text();
    if (!response.ok) {
      let error = { code: "http_" + response.status, message: text.slice(0, 300) };
      try {
        error = JSON.parse(text).error || error;
      } catch (e) {
        // not our error shape (e.g. a proxy page): show its start
      }
      const known = MESSAGES[error.code];
      throw new Error((known ? known + "\n" : "") + error.message);
    }
    return text;
  }

  function buildRequest() {
    const articles = readBoxes();
    if (!articles.length) throw new Error("أضف نص مقال واحد على الأقل.");
    const unit = document.querySelector('input[name="budget-unit"]:checked').value;
    const budget = parseInt($("budget").value, 10);
    if (!(budget >= 1)) throw new Error("طول الخلاصة يجب أن يكون عددًا صحيحًا لا يقل عن 1.");
    const options = { timeline: $("timeline").checked, key_terms: $("key-terms").checked };
    if ($("quotes").checked) options.quotes = true;
    if ($("compare").checked) options.compare = true;
    for (const name of ["query", "speaker", "outlet"]) {
      const value = $(name).value.trim();
      if (value) options[name] = value;
    }
    options[unit] = budget;
    return { articles: articles, options: options };
  }

  $("summarize").addEventListener("click", async () => {
    clearError();
    const button = $("summarize");
    let request;
    try {
      request = buildRequest();
    } catch (e) {
      showError(e.message);
      return;
    }
    button.disabled = true;
    $("status").textContent = "جارٍ التلخيص…";
    try {
      await loadLabels();
      const text = await post("/v1/summarize", request);
      state.lastRequest = request;
      state.lastJson = text;
      state.lastMarkdown = null;
      showSummary(JSON.parse(text));
      $("status").textContent = "";
    } catch (e) {
      $("status").textContent = "";
      showError(e.message);
    } finally {
      button.disabled = false;
    }
  });

  // ---- showing a summary ------------------------------------------------------------------------------
  // The words the Python formats use (khulasa.render.labels), fetched once: kind names, headings, months.
  let labels = null;
  async function loadLabels() {
    if (labels === null) {
      const response = await fetch("/labels.json");
      if (!response.ok) throw new Error("labels.json: HTTP " + response.status);
      labels = await response.json();
    }
    return labels;
  }

  // A date at its precision, as khulasa.periods.format_period: 2017, نيسان/أبريل 2017, 2017-04-04, ranges.
  function periodIso(date, granularity) {
    return date.slice(0, { year: 4, month: 7 }[granularity] || 10);
  }

  function onePeriod(date, granularity, withYear) {
    if (granularity === "year") return date.slice(0, 4);
    if (granularity === "month") {
      const name = labels.months[parseInt(date.slice(5, 7), 10) - 1];
      return withYear ? name + " " + date.slice(0, 4) : name;
    }
    return date.slice(0, 10);
  }

  function formatPeriod(event) {
    const g = event.granularity || "day";
    const start = event.date || "";
    const end = event.end_date;
    if (!end || periodIso(end, g) === periodIso(start, g)) return onePeriod(start, g, true);
    if (g === "year") return start.slice(0, 4) + labels.year_dash + end.slice(0, 4);
    if (g === "month" && start.slice(0, 4) === end.slice(0, 4)) {
      return onePeriod(start, g, false) + labels.range_dash + onePeriod(end, g, true);
    }
    return onePeriod(start, g, true) + labels.range_dash + onePeriod(end, g, true);
  }

  function eventItem(event) {
    return el("li", {},
      el("time", { datetime: periodIso(event.date || "", event.granularity || "day") }, formatPeriod(event)),
      el("span", { dir: "auto" }, event.text),
      el("span", { className: "outlets" }, outletsOf(event.sources).join(" · ")));
  }

  function showSummary(data) {
    const articles = data.articles || [];
    const byId = new Map(articles.map((a) => [a.id, a]));
    const stats = data.stats || {};
    const allOutlets = new Set(articles.map((a) => a.source || a.id));
    $("stats").textContent =
      "المقالات: " + (stats.n_articles ?? articles.length) + " · المصادر: " + allOutlets.size +
      " · كلمات الخلاصة: " + (stats.n_words ?? "");

    const list = $("sentences");
    list.replaceChildren();
    data.sentences.forEach((sentence, i) => {
      const outlets = outletsOf(sentence.sources);
      const badge = el("button", {
        type: "button", className: "badge", "data-sentence": i,
        title: "أوردها: " + outlets.join("، "),
      }, outletsLabel(outlets.length));
      const item = el("li", {
        className: "sentence", tabindex: 0, role: "button", "aria-pressed": "false", "data-sentence": i,
      }, el("span", { className: "text", dir: "auto" }, ...shownPieces(sentence)), badge,
      el("span", { className: "outlets" }, outlets.join(" · ")));
      item.addEventListener("click", () => select(i));
      item.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          select(i);
        }
      });
      if (data.comparison) {
        const row = data.comparison.coverage[i];
        const have = new Set(row ? row.outlets : []);
        item.append(el("ul", { className: "strip", "aria-label": "المصادر التي أوردت الجملة" },
          ...data.comparison.outlets.map((o) => el("li", { className: have.has(o) ? "on" : "off", title: o }))));
        const only = data.comparison.exclusive.find((e) => e.unit_id === sentence.unit_id);
        if (only) item.append(el("p", { className: "callout only-in" }, "فقط في " + only.outlet));
      }
      list.append(item);
    });
    showQuotes(data);
    showComparison(data);

    // the story's own events, then the history it recalls under its own heading
    const timeline = data.timeline || [];
    const background = timeline.filter((event) => event.background);
    $("timeline-heading").textContent = labels.headings.timeline;
    $("background-heading").textContent = labels.headings.background;
    $("timeline-section").hidden = !timeline.length;
    $("timeline-list").replaceChildren(...timeline.filter((event) => !event.background).map(eventItem));
    $("background-part").hidden = !background.length;
    $("background-list").replaceChildren(...background.map(eventItem));

    // key terms by kind, in the order of khulasa.render.labels.KIND_LABELS (unknown kinds last)
    const terms = data.key_terms || [];
    const kinds = Object.keys(labels.kinds);
    const groups = new Map();
    for (const term of terms) {
      if (!groups.has(term.kind)) groups.set(term.kind, []);
      groups.get(term.kind).push(term);
    }
    const rank = (kind) => (kinds.includes(kind) ? kinds.indexOf(kind) : kinds.length);
    const ordered = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    $("terms-section").hidden = !terms.length;
    $("terms-groups").replaceChildren(...ordered.flatMap((kind) => [
      el("h3", { className: "kind-heading" }, (labels.kinds[kind] || { many: kind }).many),
      el("ul", { className: "terms", "data-kind": kind }, ...groups.get(kind).map((term) =>
        el("li", { className: "term" }, term.text,
          el("span", { className: "count", title: "عدد المقالات التي ورد فيها" }, String(term.articles.length))))),
    ]));

    $("sources").replaceChildren(...articles.map((article) => sourceArticle(article, data.sentences, byId)));
    $("result").hidden = false;
    $("result").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // Who said what, grouped by speaker as khulasa.render.labels.quotes_by_speaker (most quoted first).
  function showQuotes(data) {
    const quotes = data.quotes;
    $("quotes-section").hidden = !quotes;
    if (!quotes) return;
    $("quotes-heading").textContent = labels.headings.quotes;
    const names = new Map((data.speakers || []).map((s) => [s.id, s.name]));
    const groups = new Map([...names.keys()].map((id) => [id, []]));
    const unknown = [];
    for (const q of quotes) (groups.has(q.speaker_id) ? groups.get(q.speaker_id) : unknown).push(q);
    const rows = [...groups.entries()].filter(([, qs]) => qs.length).map(([id, qs]) => [names.get(id), qs]);
    if (unknown.length) rows.push([labels.unknown_speaker, unknown]);
    $("quotes-groups").replaceChildren(...(rows.length ? rows.map(([name, qs]) =>
      el("div", { className: "speaker" },
        el("h3", {}, el("bdi", {}, name), " ", el("span", { className: "count" }, "(" + qs.length + ")")),
        el("ul", { className: "quotes" }, ...qs.map((q) => el("li", {},
          q.verb ? el("span", { className: "verb" }, q.verb + " ") : null,
          el("span", { className: "qkind" }, "(" + (labels.quote_kinds[q.kind] || q.kind) + ") "),
          el("span", { className: "quote-text", dir: "auto" }, q.text),
          el("span", { className: "outlets" }, " — " + outletsOf(q.sources).join(" · ")))))))
      : [el("p", { className: "muted" }, "لا توجد أقوال منسوبة.")]));
  }

  // Outlets per sentence (the strips above), "only in X" and "outlets differ" side by side.
  function showComparison(data) {
    const c = data.comparison;
    $("compare-section").hidden = !c;
    if (!c) return;
    $("compare-heading").textContent = labels.headings.compare;
    $("compare-legend").replaceChildren(...c.outlets.map((o) => el("li", {}, el("bdi", {}, o))));
    $("exclusive-part").replaceChildren(...(c.exclusive.length ? [
      el("h3", {}, labels.headings.exclusive),
      ...c.exclusive.map((e) => el("p", { className: "callout only-in" },
        el("strong", {}, "فقط في " + e.outlet), ": ", el("span", { dir: "auto" }, ...rowPieces(e, data.sentences)))),
    ] : []));
    $("disagreements-part").replaceChildren(...(c.disagreements.length ? [
      el("h3", {}, labels.headings.disagreements),
      ...c.disagreements.map((d) => el("div", { className: "callout disagreement" },
        el("p", {}, el("strong", {}, (labels.disagreement_kinds[d.kind] || d.kind) + ": " + d.fact),
          d.over_time ? " · " + labels.over_time : ""),
        el("div", { className: "readings" }, ...d.readings.map((r) => el("div", { className: "reading" },
          el("div", { className: "value", dir: "auto" }, r.text),
          ...r.sources.map((s) => el("div", { className: "outlets" },
            el("bdi", {}, s.source), (s.published || s.date) ? " · " + (s.published || s.date) : ""))))))),
    ] : []));
  }

  // One source article with every summary sentence it supports marked; marks are plain text nodes' parents.
  function sourceArticle(article, sentences, byId) {
    const marks = [];
    sentences.forEach((sentence, i) => {
      for (const span of sentence.sources) {
        if (span.article_id === article.id) marks.push({ start: span.start, end: span.end, sentence: i });
      }
    });
    marks.sort((a, b) => a.start - b.start || a.end - b.end);
    const body = el("div", { className: "article-text", dir: "auto" });
    let pos = 0;
    for (const mark of marks) {
      if (mark.start < pos) continue; // overlapping spans: keep the first
      body.append(article.text.slice(pos, mark.start));
      const node = el("mark", { "data-sentence": mark.sentence }, article.text.slice(mark.start, mark.end));
      node.addEventListener("click", () => select(mark.sentence));
      body.append(node);
      pos = mark.end;
    }
    body.append(article.text.slice(pos));

    // the date and the id each isolated left to right: an id like 000_2233f3 would otherwise be reordered
    const meta = [
      article.date ? el("time", { datetime: article.date, dir: "ltr" }, article.date) : null,
      article.source ? el("bdi", { dir: "ltr" }, article.id) : null,
    ].filter(Boolean).flatMap((node, i) => (i ? [" · ", node] : [node]));
    const dup = article.duplicate_of
      ? el("div", { className: "dup" }, "نسخة من " + ((byId.get(article.duplicate_of) || {}).source || article.duplicate_of))
      : null;
    const title = article.url && /^https?:\/\//i.test(article.url)
      ? el("a", { href: article.url, rel: "noopener noreferrer", target: "_blank" }, article.title || article.url)
      : article.title || null;
    return el("article", { className: "source-article", "data-article-id": article.id },
      el("h3", { dir: "auto" }, article.source || article.id),
      el("div", { className: "source-meta" }, ...meta),
      title ? el("div", { className: "source-title", dir: "auto" }, title) : null,
      dup, body);
  }

  function select(index) {
    const sel = '[data-sentence="' + index + '"]';
    document.querySelectorAll(".sentence.active, mark.active").forEach((n) => n.classList.remove("active"));
    document.querySelectorAll(".sentence").forEach((n) => n.setAttribute("aria-pressed", "false"));
    document.querySelectorAll(".source-article.has-active").forEach((n) => n.classList.remove("has-active"));
    const item = document.querySelector(".sentence" + sel);
    if (item) {
      item.classList.add("active");
      item.setAttribute("aria-pressed", "true");
    }
    const seen = new Set();
    document.querySelectorAll("mark" + sel).forEach((mark) => {
      mark.classList.add("active");
      const container = mark.closest(".source-article");
      container.classList.add("has-active");
      if (!seen.has(container)) {
        seen.add(container);
        // scroll inside the article's own box so the page stays where the reader is
        const box = mark.parentElement;
        box.scrollTop = mark.offsetTop - box.offsetTop - box.clientHeight / 3;
      }
    });
  }

  // ---- copy and download ------------------------------------------------------------------------------
  async function markdown() {
    if (state.lastMarkdown === null) {
      state.lastMarkdown = await post("/v1/summarize?format=markdown", state.lastRequest);
    }
    return state.lastMarkdown;
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const area = el("textarea", { readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    $("status").textContent = "نُسخ.";
  }

  function download(text, name, type) {
    const url = URL.createObjectURL(new Blob([text], { type: type }));
    const link = el("a", { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function guarded(action) {
    return async () => {
      clearError();
      try {
        await action();
      } catch (e) {
        showError(e.message);
      }
    };
  }

  $("copy-json").addEventListener("click", guarded(() => copy(state.lastJson)));
  $("download-json").addEventListener("click", guarded(() =>
    download(state.lastJson, "khulasa.json", "application/json")));
  $("copy-markdown").addEventListener("click", guarded(async () => copy(await markdown())));
  $("download-markdown").addEventListener("click", guarded(async () =>
    download(await markdown(), "khulasa.md", "text/markdown")));

  addBox();
  addBox();
})();
