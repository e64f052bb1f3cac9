(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("span-data").textContent);
  var spans = data.spans;
  var detail = document.getElementById("detail");
  var report = document.getElementById("report");
  var toggle = document.getElementById("show-weak");
  var marks = document.querySelectorAll(".mark");
  var showWeak = false;
  // Under 700 px the panel sits under the whole text (report.css), far from the tapped passage:
  // bring it into view and give a way back to where the reader was.
  var narrow = window.matchMedia("(max-width: 700px)");
  // Spans under the display threshold stay out of titles, the panel and the tab order until the
  // reader asks for them, as they stay out of sight (report.css, .hide-weak).
  function shown(el) {
    return el.getAttribute("data-spans").split(" ").map(Number).filter(function (id) { return showWeak || !spans[id].weak; });
  }
  function label(s) {
    if (s.score === null) { return s.name; }
    return data.calibrated
      ? s.name + " (" + Math.round(s.score * 100) + "%, " + s.level + ")"
      : s.name + " (score " + s.score.toFixed(2) + ", uncalibrated)";
  }
  function show(el) {
    var ids = shown(el);
    if (!ids.length) { return; }
    detail.textContent = "";
    ids.forEach(function (id) {
      var s = spans[id];
      var box = document.createElement("div");
      box.className = "technique";
      var h = document.createElement("h3");
      h.textContent = label(s);
      var q = document.createElement("blockquote");
      q.textContent = s.text;
      var d = document.createElement("p");
      d.textContent = s.definition;
      box.appendChild(h); box.appendChild(q); box.appendChild(d);
      if (s.why) { var w = document.createElement("p"); w.className = "why"; w.textContent = "Why: " + s.why; box.appendChild(w); }
      detail.appendChild(box);
    });
    if (narrow.matches) {
      var back = document.createElement("button");
      back.type = "button";
      back.className = "back";
      back.textContent = "Back to the passage";
      back.addEventListener("click", function () { el.scrollIntoView({ block: "center" }); el.focus({ preventScroll: true }); });
      detail.appendChild(back);
      detail.scrollIntoView({ block: "start" });
    }
  }
  function refresh() {
    report.classList.toggle("hide-weak", !showWeak);
    marks.forEach(function (el) {
      var ids = shown(el);
      el.title = ids.map(function (id) { return label(spans[id]); }).join(", ");
      if (el.hasAttribute("tabindex")) { el.setAttribute("tabindex", ids.length ? "0" : "-1"); }
    });
    if (toggle) {
      toggle.setAttribute("aria-pressed", String(showWeak));
      toggle.textContent = showWeak ? "Hide weaker spans" : "Show weaker spans";
    }
  }
  marks.forEach(function (el) {
    el.addEventListener("click", function () { show(el); });
    el.addEventListener("keydown", function (e) { if (e.key === "Enter") { show(el); } });
  });
  if (toggle) { toggle.addEventListener("click", function () { showWeak = !showWeak; refresh(); }); }
  refresh();
})();
