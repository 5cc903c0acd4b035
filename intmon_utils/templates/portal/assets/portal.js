// intmon portal: filter the list of areas and sort comparison tables. One file per site;
// every page works without it (the full list and the table in its first order).
(function () {
  "use strict";

  function filterList(input) {
    var list = document.getElementById(input.getAttribute("data-filter"));
    var counter = document.getElementById("area-count");
    if (!list) { return; }
    function apply() {
      var words = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      var shown = 0;
      list.querySelectorAll("li").forEach(function (item) {
        var hay = item.getAttribute("data-search") || "";
        var match = words.every(function (w) { return hay.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      if (counter) {
        counter.textContent = counter.getAttribute("data-count-template").replace("{n}", shown);
      }
    }
    input.addEventListener("input", apply);
    apply();
  }

  function sortKey(cell) {
    var key = cell ? cell.getAttribute("data-sort") : "";
    if (key === null || key === "") { return null; }
    var number = Number(key);
    return isNaN(number) ? key.toLowerCase() : number;
  }

  function compare(a, b) {
    if (a === b) { return 0; }
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return String(a).localeCompare(String(b), document.documentElement.lang || "de");
  }

  function sortTable(table, column, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var a = sortKey(r1.cells[column]);
      var b = sortKey(r2.cells[column]);
      if (a === null && b === null) { return 0; }
      if (a === null) { return 1; }   // values without a number (symbols) always last
      if (b === null) { return -1; }
      return ascending ? compare(a, b) : compare(b, a);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function sortable(table) {
    table.querySelectorAll("thead th").forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortTable(table, column, th); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filter]").forEach(filterList);
    document.querySelectorAll("table.sortable").forEach(sortable);
  });
}());
