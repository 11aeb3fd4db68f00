/* Condition editor helpers: find a reference and insert its citation key; preview citations
   numbered across the whole page, exactly as publication will number them. No inline script:
   the page's Content Security Policy allows only files like this one. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var finder = document.getElementById("medsite-cite-finder");
  if (!finder) { return; }
  var lookupUrl = finder.getAttribute("data-lookup-url");
  var previewUrl = finder.getAttribute("data-preview-url");
  var search = document.getElementById("medsite-cite-search");
  var results = document.getElementById("medsite-cite-results");
  var status = document.getElementById("medsite-cite-status");
  var lastEditor = null;

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function editors() {
    return Array.prototype.slice.call(document.querySelectorAll("textarea.markdownx-editor"));
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("textarea.markdownx-editor")) {
      lastEditor = event.target;
    }
  });

  function say(message) { status.textContent = message; }

  function insertKey(key) {
    var editor = lastEditor;
    if (!editor) {
      say("Click in a section or short answer first, where the citation should go.");
      return;
    }
    var marker = "[@" + key + "]";
    var start = editor.selectionStart, end = editor.selectionEnd;
    editor.value = editor.value.slice(0, start) + marker + editor.value.slice(end);
    editor.selectionStart = editor.selectionEnd = start + marker.length;
    editor.focus();
    editor.dispatchEvent(new Event("input", { bubbles: true }));
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

  /* Fields in page order: sections by their position, then short answers (answer, details). */
  function inlineForms(prefix) {
    var forms = [];
    editors().forEach(function (editor) {
      var match = editor.name.match(new RegExp("^(" + prefix + "-(\\d+))-"));
      if (!match || match[2] === undefined || editor.name.indexOf("__prefix__") !== -1) { return; }
      var formPrefix = match[1];
      var deleted = document.querySelector("input[name='" + formPrefix + "-DELETE']");
      if (deleted && deleted.checked) { return; }
      var position = document.querySelector("input[name='" + formPrefix + "-position']");
      forms.push({ editor: editor, order: [position ? Number(position.value) || 0 : 0, Number(match[2])] });
    });
    return forms.sort(function (a, b) { return a.order[0] - b.order[0] || a.order[1] - b.order[1]; });
  }

  function refreshPreviews() {
    var ordered = inlineForms("sections").concat(inlineForms("short_answers"));
    var body = new FormData();
    ordered.forEach(function (item) {
      body.append("field", item.editor.name);
      body.append("text", item.editor.value);
    });
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
        if (problem && status.textContent === problem) { say(""); }
        problem = null;
        ordered.forEach(function (item) {
          var preview = previewOf(item.editor);
          if (preview && data.previews[item.editor.name] !== undefined) {
            preview.innerHTML = data.previews[item.editor.name];
          }
        });
      })
      .catch(function () { say("The preview could not be made; try again."); });
  }

  var problem = null;

  function previewOf(editor) {
    var widget = editor.closest(".markdownx");
    return widget ? widget.querySelector(".markdownx-preview") : null;
  }

  function showProblem(message, fieldName) {
    problem = message;
    say(message);
    var editor = editors().filter(function (item) { return item.name === fieldName; })[0];
    var preview = editor ? previewOf(editor) : null;
    if (preview) {
      var note = document.createElement("p");
      note.className = "preview-refused";
      note.setAttribute("role", "alert");
      note.textContent = message;
      preview.textContent = "";
      preview.appendChild(note);
    }
  }

  /* markdownx previews one field at a time; once it has, number the whole page. The event does
     not bubble, so listen in the capture phase. */
  var previewTimer = null;
  function schedule() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreviews, 150);
  }
  document.addEventListener("markdownx.update", schedule, true);
  document.addEventListener("change", function (event) {
    if (event.target.name && /-(position|DELETE)$/.test(event.target.name)) { schedule(); }
  });
  schedule();
});
