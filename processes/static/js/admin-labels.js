// Type-ahead pickers (select2) in admin rows are named by their selected value only, so an
// empty one has no name at all (axe-core "aria-input-field-name"). Give each the label of
// the select it stands for (processes/admin_tools.py sets it), keeping the value as its
// description. Runs once the admin has set the pickers up, and for rows added later.
"use strict";
(function () {
  function name(root) {
    root.querySelectorAll("select.admin-autocomplete[aria-label]").forEach(function (select) {
      const container = select.nextElementSibling;
      const box = container && container.querySelector(".select2-selection");
      if (!box || box.hasAttribute("aria-label")) {
        return;
      }
      const label = select.getAttribute("aria-label");
      box.setAttribute("aria-label", label);
      // The box's text part is a read-only textbox of its own: named too.
      const shown = box.querySelector(".select2-selection__rendered[role]");
      if (shown) {
        shown.setAttribute("aria-label", label);
      }
      const value = box.getAttribute("aria-labelledby");
      if (value) {
        box.setAttribute("aria-describedby", value);
        box.removeAttribute("aria-labelledby");
      }
    });
  }
  window.addEventListener("load", function () { name(document); });
  document.addEventListener("formset:added", function (event) {
    // The admin sets the new row's pickers up in its own handler of this event.
    window.setTimeout(function () { name(event.target); }, 0);
  });
})();
