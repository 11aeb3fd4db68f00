/* The focal point picker on an image's admin page (templates/admin/images/image/_preview.html):
   a click on the image fills in the focal point's two number fields, which stay the way to set
   it by keyboard; the marker follows the fields. Nothing is saved here. No inline script: the
   Content Security Policy allows only files. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var box = document.getElementById("medsite-focal");
  if (!box) { return; }
  var image = box.querySelector("img");
  var marker = box.querySelector(".medsite-focal-marker");
  var fieldX = document.getElementById("id_focal_x");
  var fieldY = document.getElementById("id_focal_y");

  function fraction(text) {
    var value = parseFloat(text);
    return isNaN(value) || value < 0 || value > 1 ? null : value;
  }

  function place(x, y) {
    if (x === null || y === null) {
      marker.hidden = true;
      return;
    }
    marker.style.left = (x * 100) + "%";
    marker.style.top = (y * 100) + "%";
    marker.hidden = false;
  }

  function placeFromFields() {
    place(fraction(fieldX.value), fraction(fieldY.value));
  }

  if (!fieldX || !fieldY) {
    // Read only: show where the focal point is.
    place(fraction(box.dataset.focalX), fraction(box.dataset.focalY));
    return;
  }

  image.addEventListener("click", function (event) {
    var rect = image.getBoundingClientRect();
    var x = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
    var y = Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height));
    fieldX.value = x.toFixed(2);
    fieldY.value = y.toFixed(2);
    [fieldX, fieldY].forEach(function (field) {
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    placeFromFields();
  });
  fieldX.addEventListener("input", placeFromFields);
  fieldY.addEventListener("input", placeFromFields);
  placeFromFields();
});
