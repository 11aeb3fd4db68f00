/* The condition editor's Markdown fields: live previews of the whole page, the "Cite a source"
   finder, and image files dropped or pasted handed to the image picker.

   - Every Markdown field previews as it is typed, rows added with "Add another…" included: one
     listener for the whole page, and one request to the page-wide preview (editor-page-preview)
     per pause in typing, so citations are numbered across the page exactly as publication will
     number them. markdownx's own script is not loaded (conditions/admin/inlines.py keeps only
     its markup and styles): it previewed each field separately, missed rows added later, and
     turned dropped images into the words "Invalid response". The same answer fills the "What
     search engines will read" panel: the medical facts the page's structured data will state,
     and names image keys the library does not hold.
   - "Cite a source" finds a reference and inserts its key at the cursor of the field being
     edited; opened from a field's toolbar (editor-toolbar.js) it sits beside that field.
   - An image file dropped or pasted on a field opens the image picker (editor-images.js) with the
     file ready to upload; nothing is inserted until the library has accepted it.

   No inline script: the page's Content Security Policy allows only files like this one. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var form = document.getElementById("condition_form");
  if (!form) { return; }
  var finder = document.getElementById("medsite-cite-finder");
  var previewUrl = finder ? finder.getAttribute("data-preview-url") : null;
  var FIELD = "textarea.markdownx-editor";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function isEditor(element) {
    return Boolean(element && element.matches && element.matches(FIELD)) &&
      element.name.indexOf("__prefix__") === -1;
  }

  function editors() {
    return Array.prototype.filter.call(document.querySelectorAll(FIELD), isEditor);
  }

  function widgetOf(editor) {
    return editor.closest(".markdownx") || editor.parentNode;
  }

  function previewOf(editor) {
    var widget = widgetOf(editor);
    var preview = widget.querySelector(".markdownx-preview");
    if (!preview) {
      preview = document.createElement("div");
      preview.className = "markdownx-preview";
      widget.appendChild(preview);
    }
    return preview;
  }

  /* ---- previews ------------------------------------------------------------------------ */

  /* Fields in page order: sections by their position, then short answers (answer, details). */
  function inlineForms(prefix) {
    var forms = [];
    editors().forEach(function (editor) {
      var match = editor.name.match(new RegExp("^(" + prefix + "-(\\d+))-"));
      if (!match) { return; }
      var formPrefix = match[1];
      var deleted = form.querySelector("input[name='" + formPrefix + "-DELETE']");
      if (deleted && deleted.checked) { return; }
      var position = form.querySelector("input[name='" + formPrefix + "-position']");
      forms.push({ editor: editor, order: [position ? Number(position.value) || 0 : 0, Number(match[2])] });
    });
    return forms.sort(function (a, b) { return a.order[0] - b.order[0] || a.order[1] - b.order[1]; });
  }

  function fieldValue(name) {
    var field = form.querySelector("[name='" + name + "']");
    return field ? field.value : "";
  }

  var status = document.getElementById("medsite-cite-status");
  var problem = null, imageProblem = null;
  function say(message) { if (status) { status.textContent = message; } }

  function showProblem(message, fieldName) {
    problem = message;
    say(message);
    var editor = editors().filter(function (item) { return item.name === fieldName; })[0];
    if (editor) {
      var note = document.createElement("p");
      note.className = "preview-refused";
      note.setAttribute("role", "alert");
      note.textContent = message;
      var preview = previewOf(editor);
      preview.textContent = "";
      preview.appendChild(note);
    }
  }

  /* One request at a time; typing meanwhile asks for one more once it returns. */
  var inFlight = false, again = false;
  function refreshPreviews() {
    if (!previewUrl) { return; }
    if (inFlight) { again = true; return; }
    inFlight = true;
    again = false;
    var sections = inlineForms("sections");
    var ordered = sections.concat(inlineForms("short_answers"));
    var body = new FormData();
    ordered.forEach(function (item) {
      body.append("field", item.editor.name);
      body.append("text", item.editor.value);
    });
    /* Each section's kind and heading, and the page's names: the server answers with the
       "What search engines will read" panel (the facts the structured data will state). */
    sections.forEach(function (item) {
      var prefix = item.editor.name.replace(/-[^-]+$/, "");
      body.append("kind", fieldValue(prefix + "-kind"));
      body.append("heading", fieldValue(prefix + "-heading"));
    });
    body.append("name", fieldValue("name"));
    body.append("also_called", fieldValue("also_called"));
    fetch(previewUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.json()
          .catch(function () { return {}; })
          .then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        var data = result.data;
        if (!result.ok) {
          /* Too long, too frequent, too complex or busy: the server's sentence says which. */
          showProblem(data.error || "The preview could not be made; try again.", data.field);
          return;
        }
        if (problem && status && status.textContent === problem) { say(""); }
        problem = null;
        ordered.forEach(function (item) {
          if (data.previews[item.editor.name] !== undefined) {
            previewOf(item.editor).innerHTML = data.previews[item.editor.name];
          }
        });
        sayImageProblems(data);
        var facts = document.getElementById("medsite-search-facts-results");
        if (facts && data.facts !== undefined) { facts.innerHTML = data.facts; }
      })
      .catch(function () { say("The preview could not be made; try again."); })
      .then(function () {
        inFlight = false;
        if (again) { schedule(); }
      });
  }

  var previewTimer = null;
  function schedule() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreviews, 400);
  }

  document.addEventListener("input", function (event) {
    if (isEditor(event.target)) {
      clearMessage(event.target);
      schedule();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.name && /-(position|DELETE|kind)$/.test(event.target.name)) { schedule(); }
  });
  /* A heading or a name can change what a lead-in names ("Gout is caused by:"). */
  document.addEventListener("input", function (event) {
    var name = event.target.name || "";
    if (/^sections-\d+-heading$/.test(name) || name === "name" || name === "also_called") { schedule(); }
  });
  /* Rows added or removed, and rows reordered (editor-reorder.js). */
  document.addEventListener("formset:added", function (event) {
    event.target.querySelectorAll(FIELD).forEach(previewOf);
    schedule();
  });
  document.addEventListener("formset:removed", schedule);
  document.addEventListener("medsite:reordered", schedule);
  refreshPreviews();

  /* ---- images ---------------------------------------------------------------------------- */

  /* An image file dropped or pasted on a field opens the image picker (editor-images.js) with the
     file chosen: it is uploaded to the library with its alt text and licence, and only then
     inserted. Nothing goes into the text before the upload succeeds. */
  var ONE_AT_A_TIME = "One image at a time: the first file is ready to upload; add the others one by one.";
  var PASTED_PICTURE = "The picture in what you pasted was left out: to show it, save it as a file " +
    "and drop it here, or use “Insert image”.";

  function messageOf(editor) {
    var widget = widgetOf(editor);
    var message = widget.querySelector(".medsite-field-message");
    if (!message) {
      message = document.createElement("p");
      message.className = "medsite-field-message";
      message.setAttribute("role", "alert");
      widget.insertBefore(message, editor.nextSibling);
    }
    return message;
  }

  function clearMessage(editor) {
    var message = widgetOf(editor).querySelector(".medsite-field-message");
    if (message) { message.remove(); }
  }

  function hasFiles(transfer) {
    return Boolean(transfer) && Array.prototype.indexOf.call(transfer.types || [], "Files") !== -1;
  }

  function offerUpload(editor, files) {
    clearMessage(editor);
    if (files.length > 1) { messageOf(editor).textContent = ONE_AT_A_TIME; }
    editor.dispatchEvent(new CustomEvent("medsite:image-file", { bubbles: true, detail: { file: files[0] } }));
  }

  /* A file dropped anywhere else would make the browser open it, leaving the form. */
  document.addEventListener("dragover", function (event) {
    if (!hasFiles(event.dataTransfer)) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = isEditor(event.target) ? "copy" : "none";
  });
  document.addEventListener("drop", function (event) {
    if (!hasFiles(event.dataTransfer)) { return; }
    event.preventDefault();
    var files = event.dataTransfer.files;
    if (isEditor(event.target) && files && files.length) { offerUpload(event.target, files); }
  });
  document.addEventListener("paste", function (event) {
    var clipboard = event.clipboardData;
    if (!isEditor(event.target) || !clipboard || !clipboard.files || !clipboard.files.length) { return; }
    if (clipboard.getData("text/plain")) {
      /* Text copied with a picture (from a word processor): the text goes in, the picture not. */
      messageOf(event.target).textContent = PASTED_PICTURE;
      return;
    }
    event.preventDefault();
    offerUpload(event.target, clipboard.files);
  });

  /* The preview's answer names the image keys the library does not hold. */
  function sayImageProblems(data) {
    var unknown = data.unknown_images || [];
    var misplaced = data.misplaced_images || [];
    var messages = unknown.map(function (key) { return "No image “" + key + "” in the library."; });
    if (misplaced.length) {
      messages.push("An image in running text is not shown: put ![](image:key) on a line of its own.");
    }
    var message = messages.join(" ");
    if (message) {
      imageProblem = message;
      say(message);
    } else if (imageProblem && status && status.textContent === imageProblem) {
      say("");
      imageProblem = null;
    }
  }

  /* ---- Cite a source --------------------------------------------------------------------- */

  if (!finder) { return; }
  var lookupUrl = finder.getAttribute("data-lookup-url");
  var search = document.getElementById("medsite-cite-search");
  var results = document.getElementById("medsite-cite-results");
  var close = document.getElementById("medsite-cite-close");
  var home = document.createComment("Cite a source");
  finder.parentNode.insertBefore(home, finder);
  var lastEditor = null;

  document.addEventListener("focusin", function (event) {
    if (isEditor(event.target)) { lastEditor = event.target; }
  });

  function insertKey(key) {
    var editor = lastEditor;
    if (!editor || !editor.isConnected) {
      say("Click in a section or short answer first, where the citation should go.");
      return;
    }
    var start = editor.selectionStart, end = editor.selectionEnd;
    var marker = "[@" + key + "]";
    /* "a claim [@key]": a citation typed straight after a word gets its space. */
    var text = /\w/.test(editor.value.charAt(start - 1)) ? " " + marker : marker;
    editor.focus();
    editor.setSelectionRange(start, end);
    if (!document.execCommand("insertText", false, text)) {
      editor.setRangeText(text, start, end, "end");
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
    say("Inserted " + marker + ".");
  }

  function showResults(items) {
    results.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = "Insert [@" + item.key + "]";
      button.addEventListener("click", function () { insertKey(item.key); });
      var text = document.createElement("span");
      text.textContent = " " + item.text + " (" + item.kind + ")";
      li.appendChild(button);
      li.appendChild(text);
      results.appendChild(li);
    });
    say(items.length ? items.length + " reference(s) found." : "No reference matches.");
  }

  var searchTimer = null;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var query = search.value.trim();
    if (query.length < 2) { results.textContent = ""; say(""); return; }
    searchTimer = setTimeout(function () {
      fetch(lookupUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) { showResults(data.results || []); })
        .catch(function () { say("The search failed; try again."); });
    }, 250);
  });

  /* Beside a field: a panel (not a modal dialog) right under the field and its preview, next in
     the reading order, so the text stays in view and editable while a source is found. */
  function openBeside(editor) {
    lastEditor = editor;
    var after = editor.closest(".flex-container") || widgetOf(editor);
    after.parentNode.insertBefore(finder, after.nextSibling);
    finder.classList.add("medsite-cite-beside");
    if (close) { close.hidden = false; }
    search.focus();
    search.select();
  }

  function closeBeside() {
    if (!finder.classList.contains("medsite-cite-beside")) { return; }
    home.parentNode.insertBefore(finder, home.nextSibling);
    finder.classList.remove("medsite-cite-beside");
    if (close) { close.hidden = true; }
    if (lastEditor && lastEditor.isConnected) { lastEditor.focus(); }
  }

  document.addEventListener("medsite:cite", function (event) {
    if (isEditor(event.target)) { openBeside(event.target); }
  });
  if (close) { close.addEventListener("click", closeBeside); }
  finder.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closeBeside();
    }
  });
  /* A row removed with the finder beside it takes the finder home first. */
  document.addEventListener("formset:removed", function () {
    if (!finder.isConnected || !form.contains(finder)) { home.parentNode.insertBefore(finder, home.nextSibling); }
  });
});
