/* A small formatting toolbar on each Markdown field of the condition editor: bold, italic,
   bulleted list, link, "Cite a source" (which opens the finder beside the field; see
   condition-editor.js) and "Insert image" (which opens the image picker; see editor-images.js). Each acts on the field's selection, and so do Ctrl+B, Ctrl+I and Ctrl+K
   in the field. The toolbar follows the ARIA toolbar pattern: one Tab stop, arrow keys between
   its buttons; a button hands the focus back to its field. Rows added with "Add another…" get
   theirs too. */
(function () {
  "use strict";

  var FIELD = "textarea.markdownx-editor";

  /* What each field is, for the toolbar's name: "Formatting: Symptoms", "Formatting: answer to
     “Is it serious?”". Read from the row, so it follows the kind, heading or question. */
  function fieldTitle(field) {
    var row = field.closest(".inline-related");
    if (!row) {
      var label = document.querySelector("label[for='" + field.id + "']");
      return label ? label.textContent.replace(/:$/, "") : "text";
    }
    var title = window.MedSiteEditor.rowTitle(row);
    if (/-answer$/.test(field.name)) { return "answer to “" + title + "”"; }
    if (/-details$/.test(field.name)) { return "details of “" + title + "”"; }
    return title;
  }

  function name(field) {
    var bar = (field.closest(".markdownx") || field.parentNode).querySelector(".medsite-md-toolbar");
    if (bar) { bar.setAttribute("aria-label", "Formatting: " + fieldTitle(field)); }
  }

  /* ---- editing the text -------------------------------------------------------------------- */

  /* Replace start..end with text, keeping the browser's undo history where it can. */
  function replace(field, start, end, text) {
    field.focus();
    field.setSelectionRange(start, end);
    if (!document.execCommand("insertText", false, text)) {
      field.setRangeText(text, start, end, "end");
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function wrap(field, marker, placeholder) {
    var value = field.value, start = field.selectionStart, end = field.selectionEnd;
    /* Spaces selected at either end stay outside the markers. */
    while (start < end && /\s/.test(value.charAt(start))) { start++; }
    while (end > start && /\s/.test(value.charAt(end - 1))) { end--; }
    var size = marker.length;
    if (value.slice(start - size, start) === marker && value.slice(end, end + size) === marker &&
        !(marker === "*" && (value.charAt(start - 2) === "*" || value.charAt(end + 1) === "*"))) {
      /* Already so: undo it. */
      replace(field, start - size, end + size, value.slice(start, end));
      field.setSelectionRange(start - size, end - size);
      return;
    }
    var text = value.slice(start, end) || placeholder;
    replace(field, start, end, marker + text + marker);
    field.setSelectionRange(start + size, start + size + text.length);
  }

  function bulletList(field) {
    var value = field.value;
    var start = value.lastIndexOf("\n", field.selectionStart - 1) + 1;
    var end = field.selectionEnd > field.selectionStart && value.charAt(field.selectionEnd - 1) === "\n"
      ? field.selectionEnd - 1 : field.selectionEnd;
    var lineEnd = value.indexOf("\n", end);
    if (lineEnd === -1) { lineEnd = value.length; }
    var lines = value.slice(start, lineEnd).split("\n");
    var listed = lines.every(function (line) { return /^- /.test(line) || line === ""; });
    var text = lines.map(function (line) {
      if (listed) { return line.replace(/^- /, ""); }
      return line === "" ? line : "- " + line;
    }).join("\n");
    replace(field, start, lineEnd, text);
    field.setSelectionRange(start, start + text.length);
  }

  function link(field) {
    var start = field.selectionStart, end = field.selectionEnd;
    var words = field.value.slice(start, end);
    var address = "https://";
    if (/^(https?:\/\/|mailto:)\S+$/.test(words.trim())) {
      address = words.trim();
      words = "";
    }
    var text = words || "link text";
    replace(field, start, end, "[" + text + "](" + address + ")");
    if (words) {
      /* The address is what is missing: select it to be typed over. */
      var at = start + text.length + 3;
      field.setSelectionRange(at, at + address.length);
    } else {
      field.setSelectionRange(start + 1, start + 1 + text.length);
    }
  }

  function cite(field) {
    field.dispatchEvent(new CustomEvent("medsite:cite", { bubbles: true }));
  }

  function insertImage(field) {
    field.dispatchEvent(new CustomEvent("medsite:insert-image", { bubbles: true }));
  }

  var ACTIONS = [
    { name: "Bold", className: "medsite-tool-bold", key: "b", run: function (f) { wrap(f, "**", "bold text"); } },
    { name: "Italic", className: "medsite-tool-italic", key: "i", run: function (f) { wrap(f, "*", "italic text"); } },
    { name: "Bulleted list", run: bulletList },
    { name: "Link", key: "k", run: link },
    { name: "Cite a source", run: cite, keepFocus: true },
    { name: "Insert image", run: insertImage, keepFocus: true },
  ];

  /* ---- the toolbar --------------------------------------------------------------------------- */

  function addToolbar(field) {
    if (!field.id || field.name.indexOf("__prefix__") !== -1) { return; }
    var widget = field.closest(".markdownx") || field.parentNode;
    if (widget.querySelector(".medsite-md-toolbar")) { return; }
    var bar = document.createElement("div");
    bar.className = "medsite-md-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-controls", field.id);
    bar.setAttribute("aria-label", "Formatting: " + fieldTitle(field));
    ACTIONS.forEach(function (action, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button medsite-tool" + (action.className ? " " + action.className : "");
      button.textContent = action.name;
      button.tabIndex = index === 0 ? 0 : -1;
      if (action.key) { button.title = action.name + " (Ctrl+" + action.key.toUpperCase() + ")"; }
      button.addEventListener("click", function () {
        action.run(field);
        if (!action.keepFocus) { field.focus(); }
      });
      bar.appendChild(button);
    });
    widget.insertBefore(bar, widget.firstChild);
  }

  function addToolbars(root) {
    root.querySelectorAll(FIELD).forEach(addToolbar);
  }

  /* Arrow keys, Home and End move between a toolbar's buttons; Tab leaves it. */
  document.addEventListener("keydown", function (event) {
    var bar = event.target.closest && event.target.closest(".medsite-md-toolbar");
    if (bar) {
      var buttons = Array.prototype.slice.call(bar.querySelectorAll("button"));
      var at = buttons.indexOf(event.target);
      var to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (to === undefined || at === -1) { return; }
      event.preventDefault();
      to = (to + buttons.length) % buttons.length;
      buttons.forEach(function (button, index) { button.tabIndex = index === to ? 0 : -1; });
      buttons[to].focus();
      return;
    }
    /* Shortcuts in a field. */
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) { return; }
    if (!event.target.matches || !event.target.matches(FIELD)) { return; }
    var action = ACTIONS.filter(function (item) { return item.key === event.key.toLowerCase(); })[0];
    if (action) {
      event.preventDefault();
      action.run(event.target);
    }
  });

  /* The toolbar's name follows the row's kind, heading or question. */
  function rename(event) {
    if (!/-(kind|heading|question)$/.test(event.target.name || "")) { return; }
    var row = event.target.closest(".inline-related");
    if (row) { row.querySelectorAll(FIELD).forEach(name); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    addToolbars(document);
    document.addEventListener("input", rename);
    document.addEventListener("change", rename);
    document.addEventListener("formset:added", function (event) {
      addToolbars(event.target);
      event.target.querySelectorAll(FIELD).forEach(name);
    });
  });
})();
