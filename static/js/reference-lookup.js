/* The reference form's look-up (templates/admin/references/reference/change_form.html): a DOI or
   PMID is sent to the server (ReferenceAdmin.identifier_lookup_view), which asks Crossref or
   PubMed and answers with the form's fields; they are filled in for the editor to check and save.
   Nothing is saved here. No inline script: the Content Security Policy allows only files. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var box = document.getElementById("medsite-reference-lookup");
  if (!box) { return; }
  var input = document.getElementById("reference-lookup-identifier");
  var button = document.getElementById("reference-lookup-button");
  var status = document.getElementById("reference-lookup-status");
  var form = box.closest("form");
  var busy = false;

  function say(text, link) {
    status.textContent = text;
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link.url;
      anchor.textContent = link.text;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(anchor);
      status.appendChild(document.createTextNode("."));
    }
  }

  function fill(fields) {
    var filled = 0;
    Object.keys(fields).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field || field.disabled || field.readOnly) { return; }
      /* The suggested key only where none is written yet. */
      if (name === "key" && field.value.trim()) { return; }
      field.value = fields[name];
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
      filled += 1;
    });
    return filled;
  }

  function lookUp() {
    var identifier = input.value.trim();
    if (!identifier) {
      say("Paste a DOI or a PMID first.");
      input.focus();
      return;
    }
    if (busy) { return; }
    busy = true;
    button.disabled = true;
    say("Looking up " + identifier + "…");
    var url = box.getAttribute("data-url") + "?identifier=" + encodeURIComponent(identifier);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () {
          return { error: "The server's answer could not be read (HTTP " + response.status + ")." };
        });
      })
      .then(function (data) {
        if (data.error) {
          say(data.error);
          return;
        }
        var count = fill(data.fields || {});
        var text = "Filled in " + count + " field" + (count === 1 ? "" : "s") + " from " + data.source +
          " (" + data.identifier + "). Check them, then save.";
        if (data.retractions && data.retractions.length) {
          text += " Crossref lists a retraction of this work (notice " + data.retractions.join(", ") + ").";
        }
        if (data.existing) {
          say(text + " A reference with this identifier already exists:",
              { url: data.existing.url, text: data.existing.key });
        } else {
          say(text);
        }
      })
      .catch(function () {
        say("The look-up could not reach the server. Check your connection and try again.");
      })
      .finally(function () {
        busy = false;
        button.disabled = false;
      });
  }

  button.addEventListener("click", lookUp);
  input.addEventListener("keydown", function (event) {
    /* Enter looks up, rather than submitting the reference form around the box. */
    if (event.key === "Enter") {
      event.preventDefault();
      lookUp();
    }
  });
});
