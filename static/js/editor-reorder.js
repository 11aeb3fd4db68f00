/* Ordering the rows of a condition page: sections and short answers.

   - Drag a row by its handle (SortableJS, static/js/vendor/), or use its Move up / Move down
     buttons, which say where the row went in a live region; either way the rows' position fields
     are numbered afresh in the order shown, which is the order saved.
   - A row added with "Add another…" takes the next position; a new section takes the first
     standard kind (in the order of the kind list: overview, symptoms, when to see a doctor…)
     that the page has no section of yet. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var form = document.getElementById("condition_form");
  if (!form) { return; }
  var GROUPS = ["sections", "short_answers"];
  var title = window.MedSiteEditor.rowTitle;

  var status = document.createElement("p");
  status.id = "medsite-reorder-status";
  status.className = "medsite-visually-hidden";
  status.setAttribute("role", "status");
  form.insertBefore(status, form.firstChild);

  function rowsOf(group) {
    return Array.prototype.filter.call(group.querySelectorAll(".inline-related"), function (row) {
      return !row.classList.contains("empty-form") && row.id.indexOf("__prefix__") === -1;
    });
  }

  function positionOf(row) {
    return row.querySelector("input[name$='-position']");
  }

  function renumber(group) {
    rowsOf(group).forEach(function (row, index) {
      var field = positionOf(row);
      if (field && field.value !== String(index)) {
        field.value = String(index);
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    group.dispatchEvent(new CustomEvent("medsite:reordered", { bubbles: true }));
  }

  function announce(row, group) {
    var rows = rowsOf(group);
    status.textContent = title(row) + " moved to position " + (rows.indexOf(row) + 1) + " of " + rows.length + ".";
  }

  function move(row, by, button) {
    var group = row.closest(".inline-group");
    var rows = rowsOf(group);
    var at = rows.indexOf(row), to = at + by;
    if (to < 0 || to >= rows.length) {
      status.textContent = title(row) + " is already " + (by < 0 ? "first." : "last.");
      return;
    }
    var other = rows[to];
    row.parentNode.insertBefore(row, by < 0 ? other : other.nextSibling);
    button.focus();  /* moving the row took the focus away from its button */
    renumber(group);
    announce(row, group);
  }

  function addControls(row) {
    if (row.querySelector(".medsite-reorder")) { return; }
    var header = row.querySelector("h3");
    var label = header ? header.querySelector(".inline_label") : null;
    if (label && !label.id) { label.id = row.id + "-label"; }
    var controls = document.createElement("div");
    controls.className = "medsite-reorder";
    var handle = document.createElement("span");
    handle.className = "medsite-drag-handle";
    handle.title = "Drag to reorder";
    handle.setAttribute("aria-hidden", "true");
    handle.textContent = "⠿ Drag";
    controls.appendChild(handle);
    [["Move up", -1], ["Move down", 1]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button medsite-move";
      button.textContent = spec[0];
      if (label) { button.setAttribute("aria-describedby", label.id); }
      button.addEventListener("click", function () { move(row, spec[1], button); });
      controls.appendChild(button);
    });
    if (header) {
      header.parentNode.insertBefore(controls, header.nextSibling);
    } else {
      row.insertBefore(controls, row.firstChild);
    }
  }

  /* The next standard kind the page has no section of: the kind list's order, "other" last. */
  function nextKind(group, select) {
    var used = {};
    rowsOf(group).forEach(function (row) {
      var deleted = row.querySelector("input[name$='-DELETE']");
      var kind = row.querySelector("select[name$='-kind']");
      if (kind && kind !== select && !(deleted && deleted.checked)) { used[kind.value] = true; }
    });
    var free = Array.prototype.filter.call(select.options, function (option) {
      return option.value && option.value !== "other" && !used[option.value];
    })[0];
    return free ? free.value : "other";
  }

  GROUPS.forEach(function (prefix) {
    var group = document.getElementById(prefix + "-group");
    if (!group) { return; }
    var container = group.querySelector(".inline-related") ? group.querySelector(".inline-related").parentNode : null;
    if (!container || !positionOf(group.querySelector(".inline-related"))) { return; }  /* read-only */
    rowsOf(group).forEach(addControls);
    group.classList.add("medsite-reorderable");

    if (window.Sortable) {
      window.Sortable.create(container, {
        handle: ".medsite-drag-handle",
        draggable: ".inline-related:not(.empty-form)",
        animation: 150,
        onEnd: function (event) {
          /* Rows stay above "Add another…" and its blank template. */
          var template = container.querySelector(".empty-form");
          if (template && template.compareDocumentPosition(event.item) & Node.DOCUMENT_POSITION_FOLLOWING) {
            container.insertBefore(event.item, template);
          }
          if (event.oldIndex !== event.newIndex) {
            renumber(group);
            announce(event.item, group);
          }
        },
      });
    }

    group.addEventListener("formset:added", function (event) {
      var row = event.target;
      addControls(row);
      var others = rowsOf(group).filter(function (item) { return item !== row; });
      var last = others.reduce(function (highest, item) {
        var field = positionOf(item);
        return Math.max(highest, field && field.value !== "" ? Number(field.value) : -1);
      }, -1);
      var position = positionOf(row);
      if (position) { position.value = String(last + 1); }
      var kind = row.querySelector("select[name$='-kind']");
      if (kind) {
        kind.value = nextKind(group, kind);
        kind.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
});
