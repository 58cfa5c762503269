/*
 * Name pickers: each server-rendered <input class="name-picker"> (a plain text box that
 * works without JavaScript) becomes GOV.UK's accessible autocomplete, asking
 * /suggest/<kind>/?q= for the names that match what is typed. The box keeps its name, id
 * and value, so the form submits exactly what it would have without this script.
 */
(function () {
  "use strict";

  function suggester(url) {
    var pending = null;
    return function (query, populate) {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), {
        signal: pending.signal,
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { populate(items.map(function (item) { return item.value; })); })
        .catch(function () { /* an aborted or failed request leaves the list as it was */ });
    };
  }

  function enhance(input) {
    if (typeof window.accessibleAutocomplete !== "function") { return; }
    var container = document.createElement("div");
    container.className = "name-picker-wrap";
    input.parentNode.insertBefore(container, input);
    var id = input.id, name = input.name, value = input.value, url = input.dataset.suggest;
    input.parentNode.removeChild(input);
    window.accessibleAutocomplete({
      element: container,
      id: id,
      name: name,
      defaultValue: value,
      minLength: 2,
      showNoOptionsFound: false,
      confirmOnBlur: false,
      displayMenu: "overlay",
      source: suggester(url)
    });
    // Enter with no suggestion highlighted submits what was typed, as the plain box would
    // (the widget itself would only keep its menu open); with one highlighted, it picks it.
    var form = container.closest("form");
    container.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && form && !container.querySelector(".autocomplete__option--focused")) {
        event.preventDefault();
        event.stopPropagation();
        form.requestSubmit();
      }
    }, true);
  }

  document.querySelectorAll("input.name-picker").forEach(enhance);
})();
