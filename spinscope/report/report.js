(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("span-data").textContent);
  var spans = data.spans;
  var detail = document.getElementById("detail");
  var report = document.getElementById("report");
  var toggle = document.getElementById("show-weak");
  var showAll = document.getElementById("show-all");
  var techs = document.querySelectorAll("button.tech");
  var marks = document.querySelectorAll("#article .mark");
  var bars = document.querySelectorAll("#article .bar");
  var ends = document.querySelectorAll("#article .ends");
  var showWeak = false;
  var only = null; // the legend number of the technique shown alone; null shows all
  var current = null; // the mark whose spans the panel explains
  // Under 700 px the panel sits under the whole text (report.css), far from the tapped passage:
  // bring it into view and give a way back to where the reader was.
  var narrow = window.matchMedia("(max-width: 700px)");
  // Each technique's legend number, keyed by the name the panel shows (the legend's buttons carry both).
  var numbers = {};
  techs.forEach(function (b) { numbers[b.getAttribute("data-name")] = b.getAttribute("data-n"); });
  // The first mark of each span that the keyboard can reach (a word, not a space): where the links and Next land.
  var firstMarks = {};
  marks.forEach(function (el) {
    if (el.hasAttribute("tabindex")) { el.getAttribute("data-spans").split(" ").forEach(function (id) { if (!(id in firstMarks)) { firstMarks[id] = el; } }); }
  });
  // Spans under the display threshold, and those of other techniques while one is shown alone,
  // stay out of titles, the panel and the tab order, as they stay out of sight.
  function visible(id) {
    var s = spans[id];
    return (showWeak || !s.weak) && (only === null || numbers[s.name] === only);
  }
  function shown(el) {
    return el.getAttribute("data-spans").split(" ").map(Number).filter(visible);
  }
  function label(s) {
    if (s.score === null) { return s.name; }
    return data.calibrated
      ? s.name + " (" + Math.round(s.score * 100) + "%, " + s.level + ")"
      : s.name + " (score " + s.score.toFixed(2) + ", uncalibrated)";
  }
  function line(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }
  // The evidence's drop is how much the score fell without the word: a fall shows as a minus.
  function signed(drop) {
    return (drop > 0 ? "\u2212" : "+") + Math.abs(drop).toFixed(2);
  }
  function button(text, name, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", name);
    b.addEventListener("click", onClick);
    return b;
  }
  // Previous / next passage of the same technique, among those in sight.
  function stepper(s, id) {
    var same = [];
    spans.forEach(function (t, i) { if (t.name === s.name && visible(i) && firstMarks[i]) { same.push(i); } });
    var at = same.indexOf(id);
    if (same.length < 2 || at < 0) { return null; }
    var p = document.createElement("p");
    p.className = "steps";
    var prev = button("\u2190 Previous", "Previous passage of " + s.name, function () { go(same[at - 1]); });
    var next = button("Next \u2192", "Next passage of " + s.name, function () { go(same[at + 1]); });
    prev.disabled = at === 0;
    next.disabled = at === same.length - 1;
    var where = document.createElement("span");
    where.textContent = " " + (at + 1) + " of " + same.length + " ";
    p.appendChild(prev); p.appendChild(where); p.appendChild(next);
    return p;
  }
  function explain(id) {
    var s = spans[id];
    var box = document.createElement("div");
    box.className = "technique";
    var h = document.createElement("h3");
    h.textContent = label(s);
    var q = document.createElement("blockquote");
    q.textContent = s.text;
    box.appendChild(h); box.appendChild(q);
    // Whose words these are, where the voice stage ran: the author's own, or a quoted speaker's.
    if (s.voice) { box.appendChild(line("voice", "Who uses it: " + s.voice)); }
    box.appendChild(line("definition", s.definition));
    if (s.why) { box.appendChild(line("why", "Why: " + s.why)); }
    if (s.evidence && s.evidence.length) {
      box.appendChild(line("evidence", "Words that moved the model most: " + s.evidence.map(function (e) {
        return "\u00ab" + e.text + "\u00bb (" + signed(e.drop) + ")";
      }).join(", ")));
    } else if (s.weak) {
      box.appendChild(line("no-evidence", "No words measured: evidence is measured for the spans shown by default."));
    }
    if (s.check) { box.appendChild(line("check", "What to check: " + s.check)); }
    if (s.example && s.example.text) {
      box.appendChild(line("example", "Example from the guide: " + s.example.text + (s.example.source ? " (" + s.example.source + ")" : "")));
    }
    var steps = stepper(s, id);
    if (steps) { box.appendChild(steps); }
    return box;
  }
  // Marks the words of the chosen spans, and among them those of their evidence (data-o is a word's offset).
  function select(ids) {
    var evidence = [];
    ids.forEach(function (id) { (spans[id].evidence || []).forEach(function (e) { evidence.push(e); }); });
    marks.forEach(function (el) {
      var o = Number(el.getAttribute("data-o"));
      var end = o + el.textContent.length;
      el.classList.toggle("selected", shown(el).some(function (id) { return ids.indexOf(id) >= 0; }));
      el.classList.toggle("evidence", el.hasAttribute("data-o") && evidence.some(function (e) { return e.start < end && o < e.end; }));
    });
  }
  // Explains the spans in sight at a mark; false where there are none.
  function show(el) {
    var ids = shown(el);
    if (!ids.length) { return false; }
    current = el;
    detail.textContent = "";
    ids.forEach(function (id) { detail.appendChild(explain(id)); });
    select(ids);
    if (narrow.matches) {
      var back = button("Back to the passage", "Back to the passage", function () { land(el); });
      back.className = "back";
      detail.appendChild(back);
    }
    return true;
  }
  // Shows a mark's spans at the reader's request, bringing the panel into view where it sits under the text.
  function choose(el) {
    var opened = show(el);
    if (opened && narrow.matches) { detail.scrollIntoView({ block: "start" }); }
    return opened;
  }
  function clear() {
    current = null;
    detail.textContent = "";
    detail.appendChild(line("", "Click a highlighted passage, or press Enter on it, to see its techniques."));
    select([]);
  }
  // Moves the focus and the selection to a mark (the first of a span, from Next, Previous and the summary's links).
  function land(el) {
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    show(el);
  }
  function go(id) { land(firstMarks[id]); }
  function refresh() {
    report.classList.toggle("hide-weak", !showWeak);
    marks.forEach(function (el) {
      var ids = shown(el);
      var tip = ids.map(function (id) {
        return numbers[spans[id].name] + " " + label(spans[id]) + (spans[id].voice ? " \u2014 " + spans[id].voice : "");
      }).join(", ");
      el.title = tip;
      if (tip) { el.setAttribute("data-tip", tip); } else { el.removeAttribute("data-tip"); }
      el.classList.toggle("out", !ids.length);
      if (el.hasAttribute("tabindex")) { el.setAttribute("tabindex", ids.length ? "0" : "-1"); }
    });
    bars.forEach(function (b) { b.classList.toggle("out", !visible(Number(b.getAttribute("data-span")))); });
    ends.forEach(function (e) { e.classList.toggle("out", only !== null && e.getAttribute("data-n") !== only); });
    techs.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-n") === only)); });
    if (toggle) {
      toggle.setAttribute("aria-pressed", String(showWeak));
      toggle.textContent = showWeak ? "Hide weaker spans" : "Show weaker spans";
    }
    if (current && !show(current)) { clear(); }
  }
  marks.forEach(function (el) {
    el.addEventListener("click", function () { choose(el); });
    el.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") { return; }
      e.preventDefault();
      // From the keyboard the panel takes the focus; Escape brings it back.
      if (choose(el)) { var h = detail.querySelector("h3"); h.tabIndex = -1; h.focus(); }
    });
  });
  detail.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && current) { current.focus(); }
  });
  techs.forEach(function (b) {
    b.addEventListener("click", function () {
      var n = b.getAttribute("data-n");
      only = only === n ? null : n;
      refresh();
    });
  });
  if (showAll) { showAll.addEventListener("click", function () { only = null; refresh(); }); }
  if (toggle) { toggle.addEventListener("click", function () { showWeak = !showWeak; refresh(); }); }
  document.querySelectorAll("a.passage").forEach(function (a) {
    a.addEventListener("click", function (e) {
      var el = document.getElementById(a.getAttribute("href").slice(1));
      if (!el) { return; }
      e.preventDefault();
      if (!shown(el).length) { only = null; refresh(); }
      land(el);
    });
  });
  // The who-says-what panel's links: land on the passage (its anchor takes the focus, so Tab goes
  // on from there) and light up its words until the next link is followed.
  var lit = [];
  function follow(id) {
    var at = id.indexOf("w-") === 0 ? document.getElementById(id) : null;
    if (!at) { return false; }
    lit.forEach(function (el) { el.classList.remove("lit"); });
    lit = Array.prototype.filter.call(document.querySelectorAll("#article [data-in]"), function (el) {
      return el.getAttribute("data-in").split(" ").indexOf(id) >= 0;
    });
    lit.forEach(function (el) { el.classList.add("lit"); });
    at.scrollIntoView({ block: "center" });
    at.focus({ preventScroll: true });
    return true;
  }
  document.querySelectorAll("a.who-link").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (follow(a.getAttribute("href").slice(1))) { e.preventDefault(); }
    });
  });
  refresh();
  // A page opened at a passage (a comparison's link to an actor, label, claim or source) lands
  // there as a followed panel link does.
  if (location.hash) { follow(decodeURIComponent(location.hash.slice(1))); }
})();
