/* What the condition editor's scripts say about a row of the page (a section, a short answer):
   its title, as the person editing reads it. Shared by editor-toolbar.js and editor-reorder.js. */
window.MedSiteEditor = window.MedSiteEditor || {};
(function (editor) {
  "use strict";

  /* A section by its heading, else its kind; a short answer by its question. */
  editor.rowTitle = function (row) {
    var heading = row.querySelector("input[name$='-heading']");
    if (heading && heading.value.trim()) { return heading.value.trim(); }
    var kind = row.querySelector("select[name$='-kind']");
    if (kind && kind.selectedIndex >= 0) { return kind.options[kind.selectedIndex].textContent; }
    var question = row.querySelector("input[name$='-question']");
    if (question) { return question.value.trim() || "New short answer"; }
    var number = row.querySelector(".inline_label");
    return number ? number.textContent.trim() : "This row";
  };
})(window.MedSiteEditor);
