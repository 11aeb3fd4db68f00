/* Editing together, on a condition's edit page.

   - Tells the site this page is open (at once, then every heartbeat the answer names), and shows
     who else has it open and since when, and whether someone saved a newer version since this
     page was opened (conditions/admin/presence.py). Leaving the page ends the session.
   - A save refused as stale shows its conflict at the top of the page: it gets the focus, so a
     screen reader reads it first. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var conflict = document.getElementById("medsite-conflict");
    if (conflict) {
      conflict.focus();
    }

    var box = document.getElementById("medsite-editing-session");
    var form = document.getElementById("condition_form");
    if (!box || !form) { return; }
    var url = box.getAttribute("data-url");
    var status = box.querySelector("[role=status]");
    // Refused already: the conflict above says who saved, so the notice need not say it again.
    var refused = box.hasAttribute("data-conflict");
    var timer = null;
    var shown = "";

    function field(name) {
      var input = form.querySelector("input[name='" + name + "']");
      return input ? input.value : "";
    }

    function body(state) {
      var data = new URLSearchParams();
      data.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken"));
      data.append("lock_version", field("lock_version_seen"));
      data.append("state", state);
      return data;
    }

    function paragraph(text, className) {
      var p = document.createElement("p");
      p.textContent = text;
      if (className) { p.className = className; }
      return p;
    }

    // Rewritten only when it changes, so a screen reader hears each change once.
    function show(answer) {
      var others = (answer.others || []).map(function (other) { return other.text; });
      var newer = answer.newer && !refused ? answer.newer.text : "";
      var text = others.join("; ") + "|" + newer;
      if (text === shown) { return; }
      shown = text;
      status.textContent = "";
      if (others.length) {
        var who = paragraph("", "medsite-editing-others");
        var label = document.createElement("strong");
        label.textContent = "Also editing this page: ";
        who.appendChild(label);
        who.appendChild(document.createTextNode(others.join("; ") + "."));
        status.appendChild(who);
      }
      if (newer) {
        status.appendChild(paragraph(newer, "medsite-editing-newer"));
      }
    }

    function schedule(seconds) {
      clearTimeout(timer);
      timer = setTimeout(beat, Math.max(seconds || 25, 1) * 1000);
    }

    function beat() {
      fetch(url, { method: "POST", body: body("open"), credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (answer) {
            show(response.ok ? answer : { others: [] });
            schedule(answer.heartbeat);
          });
        })
        .catch(function () {
          // Presence is a courtesy: say nothing rather than something stale, and try again later.
          show({ others: [] });
          schedule();
        });
    }

    window.addEventListener("pagehide", function () {
      clearTimeout(timer);
      navigator.sendBeacon(url, body("leave"));
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { beat(); }  // back from the browser's page cache
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { beat(); }
    });
    beat();
  });
})();
