(function () {
  "use strict";
  var spans = JSON.parse(document.getElementById("span-data").textContent);
  var detail = document.getElementById("detail");
  // Under 700 px the panel sits under the whole text (report.css), far from the tapped passage:
  // bring it into view and give a way back to where the reader was.
  var narrow = window.matchMedia("(max-width: 700px)");
  function show(el) {
    var ids = el.getAttribute("data-spans").split(" ");
    detail.textContent = "";
    ids.forEach(function (id) {
      var s = spans[Number(id)];
      var box = document.createElement("div");
      box.className = "technique";
      var h = document.createElement("h3");
      h.textContent = s.name + (s.score === null ? "" : " (" + Math.round(s.score * 100) + "%)");
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
  document.querySelectorAll(".mark").forEach(function (el) {
    el.addEventListener("click", function () { show(el); });
    el.addEventListener("keydown", function (e) { if (e.key === "Enter") { show(el); } });
    el.title = el.getAttribute("data-spans").split(" ").map(function (id) { return spans[Number(id)].name; }).join(", ");
  });
})();
