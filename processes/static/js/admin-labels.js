// Type-ahead pickers (select2) in admin rows are named by their selected value only, so an
// empty one has no name at all (axe-core "aria-input-field-name"). Give each the label of
// the select it stands for (processes/admin_tools.py sets it), keeping the value as its
// description. Runs once the admin has set the pickers up, and for rows added later.
"use strict";
(function () {
  function labelOf(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  // A many-valued picker types into a search box of its own, inside a list of the chosen
  // values that is not a list to assistive technology.
  function nameSearch(wrap, label) {
    wrap.querySelectorAll("input.select2-search__field:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", label);
    });
    wrap.querySelectorAll("ul.select2-selection__rendered:not([role])").forEach(function (list) {
      list.setAttribute("role", "none");
      list.querySelectorAll(":scope > li").forEach(function (item) {
        item.setAttribute("role", "none");
      });
    });
    wrap.querySelectorAll("ul[role=none] > li:not([role])").forEach(function (item) {
      item.setAttribute("role", "none");
    });
  }

  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const label = labelOf(select);
      if (!label) {
        return;
      }
      select.setAttribute("aria-label", label);
      const wrap = select.nextElementSibling;
      if (wrap && !wrap.dataset.named) {
        wrap.dataset.named = "1";
        nameSearch(wrap, label);
        // select2 draws the chosen values and the search box anew on every change.
        new MutationObserver(function () { nameSearch(wrap, label); }).observe(wrap, {
          childList: true,
          subtree: true,
        });
      }
    });
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
  // Pickers set up after the page loaded (the admin does so when jQuery is ready, which
  // may come later): named as they appear.
  let pending = false;
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      window.setTimeout(function () { pending = false; name(document); }, 0);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("formset:added", function (event) {
    // The admin sets the new row's pickers up in its own handler of this event.
    window.setTimeout(function () { name(event.target); }, 0);
  });
})();
