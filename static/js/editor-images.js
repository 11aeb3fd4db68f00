/* The condition editor's image picker: the "Insert image" dialog
   (templates/admin/conditions/condition/_image_picker.html).

   - "Insert image" on a Markdown field's toolbar (editor-toolbar.js) opens it for that field; an
     image file dropped or pasted on a field (condition-editor.js) opens it with the file chosen,
     ready to upload once it is described.
   - Find an image in the library (title, key, alt text, caption), or upload one with its alt text
     (or "decorative") and licence (conditions/admin/images.py). The chosen image goes in where the
     field's cursor was, as ![](image:key) on a line of its own, so it is a figure of its own.
   - A file the library refuses keeps the dialog open with the reason; nothing is inserted.
   - A native modal <dialog>: the focus moves into it, Escape closes it, and the focus goes back to
     the field. */
(function () {
  "use strict";

  function start() {
    var dialog = document.getElementById("medsite-image-picker");
    if (!dialog) { return; }
    var searchUrl = dialog.getAttribute("data-search-url");
    var uploadForm = document.getElementById("medsite-image-upload");
    var uploadUrl = dialog.getAttribute("data-upload-url");
    var search = document.getElementById("medsite-image-search");
    var searchStatus = document.getElementById("medsite-image-search-status");
    var results = document.getElementById("medsite-image-results");
    var target = document.getElementById("medsite-image-target");
    var uploadError = document.getElementById("medsite-image-upload-error");
    var status = document.getElementById("medsite-image-status");
    var fileInput = uploadForm.querySelector("input[type=file]");
    var field = null, selection = [0, 0], inserted = false;

    function fieldTitle(editor) {
      var row = editor.closest(".inline-related");
      if (!row || !window.MedSiteEditor || !window.MedSiteEditor.rowTitle) { return ""; }
      var title = window.MedSiteEditor.rowTitle(row);
      if (/-answer$/.test(editor.name)) { return "the answer to “" + title + "”"; }
      if (/-details$/.test(editor.name)) { return "the details of “" + title + "”"; }
      return "“" + title + "”";
    }

    /* ---- opening and closing ---------------------------------------------------------------- */

    function clearErrors() {
      uploadError.hidden = true;
      uploadError.textContent = "";
      uploadForm.querySelectorAll(".errorlist").forEach(function (list) {
        list.textContent = "";
        list.hidden = true;
      });
      uploadForm.querySelectorAll("[aria-invalid]").forEach(function (input) {
        input.removeAttribute("aria-invalid");
        var described = (input.getAttribute("aria-describedby") || "").replace(input.id + "_errors", "");
        if (described.trim()) {
          input.setAttribute("aria-describedby", described.trim());
        } else {
          input.removeAttribute("aria-describedby");
        }
      });
    }

    function open(editor, file) {
      field = editor;
      selection = [editor.selectionStart, editor.selectionEnd];
      inserted = false;
      uploadForm.reset();
      clearErrors();
      var title = fieldTitle(editor);
      target.textContent = title ? "The image goes in " + title + ", where the cursor was." :
        "The image goes where the cursor was.";
      if (file) {
        var transfer = new DataTransfer();
        transfer.items.add(file);
        fileInput.files = transfer.files;
        var name = uploadForm.querySelector("[name=title]");
        if (name) { name.value = file.name.replace(/\.[^.]*$/, "").replace(/[-_]+/g, " "); }
      }
      dialog.showModal();
      /* With a file: describing it is what is left to do. */
      (file ? uploadForm.querySelector("[name=title]") : search).focus();
      find(search.value.trim());
    }

    dialog.addEventListener("close", function () {
      if (field && field.isConnected) {
        field.focus();
        if (!inserted) { field.setSelectionRange(selection[0], selection[1]); }
      }
    });
    document.getElementById("medsite-image-close").addEventListener("click", function () {
      dialog.close();
    });
    /* Escape closes the dialog from anywhere in it, the search box too (whose own Escape would
       only empty it). */
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        dialog.close();
      }
    });

    document.addEventListener("medsite:insert-image", function (event) {
      open(event.target, null);
    });
    document.addEventListener("medsite:image-file", function (event) {
      open(event.target, event.detail && event.detail.file);
    });

    /* ---- inserting -------------------------------------------------------------------------- */

    /* ![](image:key) on its own, with blank lines around it: a paragraph of its own is a figure. */
    function insert(image) {
      var editor = field;
      inserted = true;
      dialog.close();
      if (!editor || !editor.isConnected) { return; }
      var value = editor.value, start = selection[0], end = selection[1];
      /* Spaces either side of the cursor would be left at the end or start of a line. */
      while (start > 0 && /[ \t]/.test(value.charAt(start - 1))) { start--; }
      while (end < value.length && /[ \t]/.test(value.charAt(end))) { end++; }
      var before = value.slice(0, start), after = value.slice(end);
      var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
      var tail = after === "" || /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
      var text = lead + image.markdown + tail;
      editor.focus();
      editor.setSelectionRange(start, end);
      if (!document.execCommand("insertText", false, text)) {
        editor.setRangeText(text, start, end, "end");
        editor.dispatchEvent(new Event("input", { bubbles: true }));
      }
      var at = start + lead.length + image.markdown.length;
      editor.setSelectionRange(at, at);
      status.textContent = "Inserted the image “" + image.title + "” (" + image.markdown + ").";
    }

    /* ---- the library ------------------------------------------------------------------------ */

    function resultItem(image) {
      var item = document.createElement("li");
      var thumbnail = document.createElement("img");
      thumbnail.src = image.thumbnail;
      thumbnail.alt = "";  /* the alt text is written out beside it */
      thumbnail.width = 96;
      thumbnail.height = Math.max(1, Math.round(96 * image.height / image.width));
      thumbnail.loading = "lazy";
      var text = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = image.title;
      var key = document.createElement("code");
      key.textContent = image.key;
      var alt = document.createElement("p");
      alt.textContent = image.decorative ? "Decorative (no alt text)" : "Alt text: " + (image.alt || "none");
      text.append(title, " ", key, alt);
      if (image.credit || image.licence_name) {
        var credit = document.createElement("p");
        credit.textContent = [image.credit, image.licence_name].filter(Boolean).join(" · ");
        text.appendChild(credit);
      }
      if (!image.ready) {
        var warning = document.createElement("p");
        warning.className = "medsite-image-not-ready";
        warning.textContent = "Not ready to publish: " + image.missing.join(", ") +
          ". Complete it in the image library before the page goes to review.";
        text.appendChild(warning);
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = "Insert “" + image.title + "”";
      button.addEventListener("click", function () { insert(image); });
      item.append(thumbnail, text, button);
      return item;
    }

    var asked = 0;
    function find(query) {
      var mine = ++asked;
      fetch(searchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (mine !== asked) { return; }  /* an answer to a search typed over since */
          if (!result.ok) {
            searchStatus.textContent = result.data.error || "The search failed; try again.";
            return;
          }
          var images = result.data.results || [];
          results.textContent = "";
          images.forEach(function (image) { results.appendChild(resultItem(image)); });
          searchStatus.textContent = images.length ?
            (query ? images.length + " image(s) found." : "The images changed last:") :
            (query ? "No image matches." : "The library has no images yet: upload one below.");
        })
        .catch(function () { if (mine === asked) { searchStatus.textContent = "The search failed; try again."; } });
    }

    var searchTimer = null;
    search.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { find(search.value.trim()); }, 250);
    });

    /* ---- uploading -------------------------------------------------------------------------- */

    function showErrors(data) {
      var messages = [];
      var fields = data.fields || {};
      var first = null;
      Object.keys(fields).forEach(function (name) {
        var input = uploadForm.querySelector("[name='" + name + "']");
        var list = input ? document.getElementById(input.id + "_errors") : null;
        var label = input ? uploadForm.querySelector("label[for='" + input.id + "']") : null;
        fields[name].forEach(function (message) {
          messages.push((label ? label.textContent.replace(/:$/, "") + ": " : "") + message);
          if (list) {
            var item = document.createElement("li");
            item.textContent = message;
            list.appendChild(item);
            list.hidden = false;
          }
        });
        if (input) {
          /* Each field's own errors are read with it. */
          input.setAttribute("aria-invalid", "true");
          if (list) {
            input.setAttribute("aria-describedby",
              ((input.getAttribute("aria-describedby") || "") + " " + list.id).trim());
          }
          first = first || input;
        }
      });
      uploadError.textContent = data.error || "The image could not be added; try again.";
      if (messages.length && messages[0] !== data.error) {
        uploadError.textContent += " " + messages.join(" ");
      }
      uploadError.hidden = false;
      return first;
    }

    var sending = false;
    uploadForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) { return; }
      sending = true;
      clearErrors();
      var token = uploadForm.querySelector("input[name=csrfmiddlewaretoken]");
      var submit = uploadForm.querySelector("[type=submit]");
      submit.disabled = true;
      fetch(uploadUrl, {
        method: "POST",
        body: new FormData(uploadForm),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
      })
        .then(function (response) {
          return response.json()
            .catch(function () { return {}; })
            .then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (result.ok && result.data.image) {
            insert(result.data.image);
            return null;
          }
          return showErrors(result.data) || submit;
        })
        .catch(function () { return showErrors({ error: "The upload failed; try again." }) || submit; })
        .then(function (problem) {
          sending = false;
          submit.disabled = false;
          /* The focus goes to the first field to correct (the button had it, and lost it while
             disabled); the alert above the form says why. */
          if (problem) { problem.focus(); }
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
