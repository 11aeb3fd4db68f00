/* No lost work on a condition's edit page.

   - A workflow step (the review panel's buttons) taken while the form has unsaved changes posts
     the form itself, naming the step: the admin saves first, then takes the step, and reports
     both (conditions/admin/unsaved.py). A save that fails takes no step and keeps the text.
   - Leaving the page with unsaved changes asks first (saving does not).
   - What was typed is kept in this browser (localStorage) as it is typed, under the page, the
     person and the edit lock it was typed on, and offered back when the page is opened again:
     after a closed tab, a crash or a lost connection. Restoring puts back the lock the text was
     typed on too, so a page saved by someone else meanwhile is still refused as stale rather
     than overwritten. A successful save clears it. */
(function () {
  "use strict";

  var STEP_FIELD = "_workflow_step";
  var STEP_PREFIX = "_workflow-";
  var NOT_CONTENT = /^(csrfmiddlewaretoken|_save|_continue|_addanother|_workflow.*)$/;

  function when(timestamp) {
    var moment = new Date(timestamp);
    return moment.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" }) +
      " at " + moment.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("medsite-unsaved");
    var form = document.getElementById("condition_form");
    if (!box || !form) { return; }
    var status = document.getElementById("medsite-unsaved-status");
    var message = document.getElementById("medsite-unsaved-message");
    var storageKey = "medsite.unsaved." + box.getAttribute("data-key");
    var currentLock = box.getAttribute("data-lock") || "";
    var isNew = currentLock === "";
    var posted = box.hasAttribute("data-posted");  // the server sent back a form that failed to save
    var editable = form.querySelector("[name='lock_version_seen']") !== null || isNew;
    var leaving = false;   // the form itself is being submitted
    var offered = null;    // a draft waiting for Restore or Discard

    /* The form's content as [name, value, label] in document order: what a save would post,
       less the token and the workflow step, and the blank templates of "Add another". */
    function snapshot() {
      var fields = [];
      Array.prototype.forEach.call(form.elements, function (field) {
        var name = field.name;
        if (!name || field.disabled || NOT_CONTENT.test(name) || name.indexOf("__prefix__") !== -1) { return; }
        var type = field.type;
        if (type === "file" || type === "submit" || type === "button" || type === "reset") { return; }
        if ((type === "checkbox" || type === "radio") && !field.checked) { return; }
        if (field.tagName === "SELECT") {
          Array.prototype.forEach.call(field.selectedOptions, function (option) {
            fields.push([name, option.value, option.textContent]);
          });
          return;
        }
        fields.push([name, field.value]);
      });
      return fields;
    }

    var initial = JSON.stringify(snapshot());

    function dirty() {
      return posted || JSON.stringify(snapshot()) !== initial;
    }

    function read() {
      try {
        return JSON.parse(window.localStorage.getItem(storageKey) || "null");
      } catch (error) {
        return null;
      }
    }

    function forget() {
      try { window.localStorage.removeItem(storageKey); } catch (error) { /* nothing kept */ }
    }

    function say(text) { if (status) { status.textContent = text; } }

    function keep(submitted) {
      if (offered || !editable || (leaving && !submitted)) { return; }
      if (!dirty()) { forget(); say(""); return; }
      var lock = form.querySelector("[name='lock_version_seen']");
      var draft = {
        savedAt: Date.now(),
        lock: lock ? lock.value : "",
        submitted: Boolean(submitted),
        fields: snapshot(),
      };
      try {
        window.localStorage.setItem(storageKey, JSON.stringify(draft));
        if (!submitted) {
          say("Not saved yet: your changes are kept in this browser (" + when(draft.savedAt) + ").");
        }
      } catch (error) {
        say("Not saved yet, and this browser could not keep a copy: save soon.");
      }
    }

    var keepTimer = null;
    function keepSoon() {
      clearTimeout(keepTimer);
      keepTimer = setTimeout(function () { keepTimer = null; keep(false); }, 300);
    }

    /* ---- restoring -------------------------------------------------------------------- */

    function addRows(values) {
      /* Rows added with "Add another" before the tab closed: add as many again. */
      document.querySelectorAll(".js-inline-admin-formset").forEach(function (group) {
        var prefix = JSON.parse(group.getAttribute("data-inline-formset")).options.prefix;
        var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
        var wanted = Number(values[prefix + "-TOTAL_FORMS"] ? values[prefix + "-TOTAL_FORMS"][0] : 0);
        var add = group.querySelector(".add-row a");
        var guard = 200;
        while (total && add && Number(total.value) < wanted && guard--) { add.click(); }
      });
    }

    function restore(draft) {
      var values = {}, labels = {};
      draft.fields.forEach(function (entry) {
        (values[entry[0]] = values[entry[0]] || []).push(entry[1]);
        if (entry.length > 2) { labels[entry[0] + "\u0000" + entry[1]] = entry[2]; }
      });
      addRows(values);
      var first = null;
      Array.prototype.forEach.call(form.elements, function (field) {
        var name = field.name;
        if (!name || NOT_CONTENT.test(name) || name.indexOf("__prefix__") !== -1) { return; }
        var type = field.type;
        if (type === "file" || type === "submit" || type === "button" || type === "reset") { return; }
        var wanted = values[name] || [];
        var before = type === "checkbox" || type === "radio" ? field.checked : field.value;
        if (type === "checkbox" || type === "radio") {
          field.checked = wanted.indexOf(field.value) !== -1;
        } else if (field.tagName === "SELECT") {
          wanted.forEach(function (value) {
            var known = Array.prototype.some.call(field.options, function (o) { return o.value === value; });
            if (!known) { field.add(new Option(labels[name + "\u0000" + value] || value, value)); }
          });
          Array.prototype.forEach.call(field.options, function (option) {
            option.selected = wanted.indexOf(option.value) !== -1;
          });
        } else if (values[name]) {
          field.value = wanted[0];
        }
        var after = type === "checkbox" || type === "radio" ? field.checked : field.value;
        if (before !== after) {
          field.dispatchEvent(new Event(field.tagName === "TEXTAREA" || type === "text" ? "input" : "change", { bubbles: true }));
          if (!first && field.type !== "hidden") { first = field; }
        }
      });
      return first;
    }

    function firstField() {
      return form.querySelector("input:not([type=hidden]), textarea, select") || box;
    }

    function offer(draft, savedSince) {
      offered = draft;
      message.textContent = "Restore the text you typed on " + when(draft.savedAt) + "? It was never saved." +
        (savedSince ? " This page has been saved again since, so saving your text will first show what changed." : "");
      box.hidden = false;
    }

    box.addEventListener("click", function (event) {
      var choice = event.target.getAttribute && event.target.getAttribute("data-unsaved");
      if (!choice || !offered) { return; }
      var draft = offered;
      offered = null;
      box.hidden = true;
      if (choice === "restore") {
        var first = restore(draft);
        keep(false);
        say("Your text is back in the form. It is not saved yet: save to keep it.");
        (first || firstField()).focus();
      } else {
        forget();
        say("The unsaved text was discarded.");
        firstField().focus();
      }
    });

    var draft = read();
    if (draft && Array.isArray(draft.fields)) {
      if (draft.submitted && !posted && (isNew || draft.lock !== currentLock)) {
        forget();  // saved: the save made a new version
      } else if (posted || !editable) {
        /* The form in front of us is the typed text itself, or cannot take it now. */
      } else if (JSON.stringify(draft.fields) === initial) {
        forget();
      } else {
        offer(draft, !isNew && draft.lock !== currentLock);
      }
    }
    if (posted) { keep(false); }

    form.addEventListener("input", keepSoon);
    form.addEventListener("change", keepSoon);
    document.addEventListener("formset:added", keepSoon);
    document.addEventListener("formset:removed", keepSoon);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && keepTimer) {
        clearTimeout(keepTimer);
        keepTimer = null;
        keep(false);
      }
    });

    /* ---- saving, leaving, and workflow steps ------------------------------------------- */

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      clearTimeout(keepTimer);
      keepTimer = null;
      keep(true);
      leaving = true;
    });

    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      /* Back from the next page: the form is ours again, without a step it never took. */
      leaving = false;
      form.querySelectorAll("input[name^='_workflow']").forEach(function (input) { input.remove(); });
    });

    window.addEventListener("beforeunload", function (event) {
      if (leaving || !editable || !dirty()) { return; }
      event.preventDefault();
      event.returnValue = "";
    });

    function hidden(name, value) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }

    document.addEventListener("submit", function (event) {
      var step = event.target;
      if (step === form || event.defaultPrevented || !editable) { return; }
      var match = (step.getAttribute("action") || "").match(/\/workflow\/([^\/]+)\/$/);
      if (!match) { return; }
      if (!dirty()) { leaving = true; return; }
      /* Save first: the edit form goes, carrying the step and the step's own fields. */
      event.preventDefault();
      form.querySelectorAll("input[name^='_workflow']").forEach(function (input) { input.remove(); });
      hidden(STEP_FIELD, decodeURIComponent(match[1]));
      new FormData(step).forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrfmiddlewaretoken") { hidden(STEP_PREFIX + name, value); }
      });
      say("Saving your changes first…");
      form.requestSubmit();
    });
  });
})();
