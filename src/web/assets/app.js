// app.js - sorting and filtering of the dashboard's tables.  Loaded from
// the page's own origin (a Content-Security-Policy of default-src 'self'
// holds): no inline handlers, no external code.
"use strict";

function cellValue(row, index) {
  const cell = row.cells[index];
  return cell ? cell.textContent.trim() : "";
}

function compareCells(a, b, numeric) {
  if (numeric) {
    return (parseFloat(a) || 0) - (parseFloat(b) || 0);
  }
  return a.localeCompare(b);
}

function sortTable(table, index, th) {
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  const numeric = rows.every(function (r) {
    const v = cellValue(r, index);
    return v === "" || !isNaN(parseFloat(v));
  });
  rows.sort(function (a, b) {
    const d = compareCells(cellValue(a, index), cellValue(b, index), numeric);
    return ascending ? d : -d;
  });
  Array.from(th.parentNode.cells).forEach(function (h) {
    h.removeAttribute("aria-sort");
  });
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  rows.forEach(function (r) {
    body.appendChild(r);
  });
}

function makeSortable(table) {
  const head = table.tHead;
  if (!head || !table.tBodies.length) {
    return;
  }
  Array.from(head.rows[0].cells).forEach(function (th, index) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    button.title = "sort by " + th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      sortTable(table, index, th);
    });
  });
}

function makeFilterable(table) {
  if (!table.tBodies.length || table.tBodies[0].rows.length < 2) {
    return;
  }
  const label = document.createElement("label");
  label.className = "filter";
  label.textContent = "Filter rows: ";
  const input = document.createElement("input");
  input.type = "search";
  input.placeholder = "text in any column";
  label.appendChild(input);
  table.parentNode.insertBefore(label, table);
  input.addEventListener("input", function () {
    const needle = input.value.toLowerCase();
    Array.from(table.tBodies[0].rows).forEach(function (row) {
      const text = row.textContent.toLowerCase();
      row.hidden = needle !== "" && text.indexOf(needle) < 0;
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table[data-sort]").forEach(makeSortable);
  document.querySelectorAll("table[data-filter]").forEach(makeFilterable);
});
