/* The content checks panel of the condition editor (templates/admin/conditions/condition/
   _content_checks.html): when the editor pauses typing in any Markdown field, including sections
   and short answers added after the page loaded, every text of the page is checked again by the
   server (medsite/contentchecks/views.py), which answers with the panel's new content. Changes
   are announced politely, once per pause and only when the summary changes. No inline script:
   the page's Content Security Policy allows only files like this one. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var panel = document.getElementById("medsite-content-checks");
  if (!panel || !panel.getAttribute("data-url")) { return; }
  var url = panel.getAttribute("data-url");
  var results = document.getElementById("medsite-content-checks-results");
  var status = document.getElementById("medsite-content-checks-status");
  var PAUSE = 700;  /* ms without typing before checking again */
  var timer = null;
  var request = null;
  var announced = null;  /* the summary last announced; null until the first check */

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function isMarkdown(element) {
    return element.matches("textarea.markdownx-editor") && element.name.indexOf("__prefix__") === -1;
  }

  function valueOf(name) {
    var field = document.querySelector("[name='" + name + "']");
    return field ? field.value.trim() : "";
  }

  function labelOf(editor, row) {
    if (!row) { return editor.name; }
    if (row.group === "sections") {
      var kind = document.querySelector("select[name='" + row.prefix + "-kind']");
      var kindName = kind && kind.value && kind.selectedIndex >= 0 ? kind.options[kind.selectedIndex].text : "";
      return valueOf(row.prefix + "-heading") || kindName || "Section " + (row.index + 1);
    }
    var question = valueOf(row.prefix + "-question") || "Short answer " + (row.index + 1);
    return question + (/-details$/.test(editor.name) ? " (details)" : " (answer)");
  }

  /* Every Markdown text of the page in page order: sections by position, then short answers
     (answer, then details), as the published page reads; rows marked for deletion left out. */
  function texts() {
    var found = [];
    Array.prototype.forEach.call(document.querySelectorAll("textarea.markdownx-editor"), function (editor, order) {
      if (!isMarkdown(editor)) { return; }
      var match = editor.name.match(/^((sections|short_answers)-(\d+))-/);
      var row = match ? { prefix: match[1], group: match[2], index: Number(match[3]) } : null;
      if (row) {
        var deleted = document.querySelector("input[name='" + row.prefix + "-DELETE']");
        if (deleted && deleted.checked) { return; }
      }
      /* Details are optional: an empty one is no text of the page (the review screen leaves it out too). */
      if (/-details$/.test(editor.name) && !editor.value.trim()) { return; }
      found.push({
        name: editor.name,
        label: labelOf(editor, row),
        text: editor.value,
        order: [
          row && row.group === "short_answers" ? 1 : 0,
          row ? Number(valueOf(row.prefix + "-position")) || 0 : 0,
          row ? row.index : 0,
          order
        ]
      });
    });
    return found.sort(function (a, b) {
      for (var i = 0; i < a.order.length; i += 1) {
        if (a.order[i] !== b.order[i]) { return a.order[i] - b.order[i]; }
      }
      return 0;
    });
  }

  function announce(message) {
    if (announced === null) {
      announced = message;  /* the first check, as the page opens: nothing changed yet */
      return;
    }
    if (message !== announced) {
      announced = message;
      status.textContent = message;
    }
  }

  function check() {
    var body = new FormData();
    texts().forEach(function (item) {
      body.append("field", item.name);
      body.append("label", item.label);
      body.append("text", item.text);
    });
    if (request) { request.abort(); }
    request = new AbortController();
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      signal: request.signal
    })
      .then(function (response) {
        return response.json()
          .catch(function () { return {}; })
          .then(function (data) {
            return { ok: response.ok, data: data, retryAfter: Number(response.headers.get("Retry-After")) };
          });
      })
      .then(function (result) {
        if (!result.ok || typeof result.data.html !== "string") {
          /* Too long, too frequent, too complex or busy: the server's sentence says which. */
          status.textContent = result.data.error || "The content checks could not be made; they are made again when you next pause typing.";
          announced = "";
          if (result.retryAfter > 0) {
            /* Busy or too frequent: try again when the server says, unless typing comes first. */
            clearTimeout(timer);
            timer = setTimeout(check, result.retryAfter * 1000);
          }
          return;
        }
        results.innerHTML = result.data.html;
        announce(result.data.summary);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          status.textContent = "The content checks could not be made; they are made again when you next pause typing.";
        }
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, PAUSE);
  }

  /* Listened for on the document, so rows added with "Add another" are covered as they appear. */
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target.matches) { return; }
    if (isMarkdown(target) || /^(sections|short_answers)-\d+-(heading|question)$/.test(target.name)) {
      schedule();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.name && /^(sections|short_answers)-\d+-(kind|position|DELETE)$/.test(event.target.name)) {
      schedule();
    }
  });
  document.addEventListener("formset:added", schedule);
  document.addEventListener("formset:removed", schedule);

  /* A text's name in the panel takes the editor to its field. */
  results.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-field]");
    if (!link) { return; }
    var editor = document.querySelector("textarea[name='" + link.getAttribute("data-field") + "']");
    if (editor) {
      event.preventDefault();
      editor.scrollIntoView({ block: "center" });
      editor.focus();
    }
  });

  check();
});
