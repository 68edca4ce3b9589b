// Title search for a khulasa stories site: no server, works from file:// too.
// Loads search-data.js (window.khulasaSearch) next to this file on first use, matches every query word
// in the normalized titles, and builds the results with textContent only (no HTML from the data).
(function () {
  "use strict";
  var MAX_RESULTS = 100;
  var script = document.currentScript;
  var base = new URL(".", script.src);
  var root = new URL("..", base);
  var form, input, select, status, results, listing, rows = null, waiting = null;

  function normalize(text) {
    return String(text || "").toLowerCase()
      .replace(/[\u064B-\u0652\u0670\u0640]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0629/g, "\u0647")
      .replace(/\u0649/g, "\u064A");
  }

  function load(then) {
    if (rows) { then(); return; }
    if (waiting) { waiting.push(then); return; }
    waiting = [then];
    status.textContent = "جارٍ تحميل فهرس العناوين…";
    var data = document.createElement("script");
    data.src = new URL("search-data.js", base).href;
    data.onload = function () {
      var index = window.khulasaSearch || { outlets: [], stories: [] };
      index.outlets.forEach(function (o, i) {
        var option = document.createElement("option");
        option.value = String(i);
        option.textContent = o[1];
        select.appendChild(option);
      });
      rows = index.stories.map(function (s) { return { s: s, key: normalize(s[1]) }; });
      window.khulasaOutlets = index.outlets;
      status.textContent = "";
      waiting.forEach(function (f) { f(); });
    };
    data.onerror = function () { waiting = null; status.textContent = "تعذر تحميل فهرس العناوين."; };
    document.head.appendChild(data);
  }

  // Arabic counted nouns, as the pages write them (count_words in khulasa/stories/site):
  // [one, two, 3-10, 11-99, hundreds]
  var ARTICLES = ["مقال واحد", "مقالان", "مقالات", "مقالًا", "مقال"];
  var RESULTS = ["نتيجة واحدة", "نتيجتان", "نتائج", "نتيجة", "نتيجة"];
  function count(n, words) {
    if (n === 1) return words[0];
    if (n === 2) return words[1];
    var rest = n % 100;
    return n + " " + (rest >= 3 && rest <= 10 ? words[2] : rest >= 11 ? words[3] : words[4]);
  }

  function item(s) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.className = "title";
    a.href = new URL("stories/" + s[0], root).href;
    a.dir = "auto";
    a.textContent = s[1];
    li.appendChild(a);
    var meta = document.createElement("div");
    meta.className = "meta";
    if (s[2]) {
      var time = document.createElement("time");
      time.textContent = s[3] && s[3] !== s[2] ? s[2] + " – " + s[3] : s[2];
      meta.appendChild(time);
    }
    var n = document.createElement("span");
    n.textContent = count(s[4], ARTICLES);
    meta.appendChild(n);
    var badges = document.createElement("span");
    badges.className = "badges";
    s[5].slice(0, 5).forEach(function (i) {
      var b = document.createElement("span");
      b.className = "badge";
      b.textContent = window.khulasaOutlets[i][1];
      badges.appendChild(b);
    });
    meta.appendChild(badges);
    li.appendChild(meta);
    return li;
  }

  function run() {
    var words = normalize(input.value).split(/\s+/).filter(Boolean);
    var outlet = select.value === "" ? -1 : Number(select.value);
    results.textContent = "";
    if (!words.length && outlet < 0) {
      results.hidden = true;
      listing.hidden = false;
      status.textContent = "";
      return;
    }
    var found = 0;
    rows.forEach(function (row) {
      if (outlet >= 0 && row.s[5].indexOf(outlet) < 0) return;
      for (var i = 0; i < words.length; i++) if (row.key.indexOf(words[i]) < 0) return;
      found += 1;
      if (found <= MAX_RESULTS) results.appendChild(item(row.s));
    });
    status.textContent = found === 0 ? "لا نتائج."
      : found > MAX_RESULTS ? count(found, RESULTS) + "، تظهر أحدث " + MAX_RESULTS + " منها." : count(found, RESULTS) + ".";
    results.hidden = found === 0;
    listing.hidden = true;
  }

  function start() {
    form = document.getElementById("search");
    input = document.getElementById("q");
    select = document.getElementById("search-outlet");
    status = document.getElementById("search-status");
    results = document.getElementById("search-results");
    listing = document.getElementById("listing");
    if (!form || !input || !select || !status || !results || !listing) return;
    form.hidden = false;
    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(function () { load(run); }, 120); }
    input.addEventListener("input", later);
    select.addEventListener("change", later);
    input.addEventListener("focus", function () { load(function () {}); });
    form.addEventListener("submit", function (event) { event.preventDefault(); load(run); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; select.value = ""; load(run); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
