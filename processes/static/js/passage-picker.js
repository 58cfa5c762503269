/* The passage picker on the citation form: search the chosen source's stored text as you
   type, select the exact words in a result, and they become the quotation. Without
   JavaScript the quotation is typed or pasted, and the server refuses words the source's
   text does not hold. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var quotation = document.getElementById("id_quotation");
    var source = document.getElementById("id_source");
    if (!quotation || !source) { return; }
    // The admin's own address: everything before /processes/citation/.
    var base = window.location.pathname.split("/processes/citation/")[0];

    var box = document.createElement("div");
    box.className = "passage-picker";
    var label = document.createElement("label");
    label.htmlFor = "passage-search";
    label.textContent = "Find the passage in the source's text";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "passage-search";
    input.className = "vTextField";
    input.setAttribute("autocomplete", "off");
    var status = document.createElement("p");
    status.className = "help";
    status.setAttribute("role", "status");
    status.textContent = "Type three letters or more, then select the exact words in a result.";
    var results = document.createElement("div");
    results.className = "passage-results";
    box.append(label, input, status, results);
    // Above the quotation's row, not inside it: the row lays its label and box side by side.
    var row = quotation.closest(".form-row") || quotation.parentNode;
    row.parentNode.insertBefore(box, row);

    var timer = null;
    function search() {
      var words = input.value.trim();
      results.textContent = "";
      if (!source.value) { status.textContent = "Choose the source first."; return; }
      if (words.length < 3) { return; }
      fetch(base + "/processes/source/" + encodeURIComponent(source.value) + "/passages/?q=" +
            encodeURIComponent(words), { credentials: "same-origin" })
        .then(function (answer) { return answer.json(); })
        .then(function (data) {
          if (!data.stored) { status.textContent = "This source has no stored text to search."; return; }
          var n = data.matches.length;
          status.textContent = !n ? "The source's text does not hold these words." :
            (data.more ? "The first " + n + " of more places" : n === 1 ? "One place" : n + " places") +
            " holding these words: select the exact words to quote.";
          data.matches.forEach(function (match) {
            var p = document.createElement("p");
            p.className = "passage-result";
            p.textContent = match.text;
            results.appendChild(p);
          });
        })
        .catch(function () { status.textContent = "The search failed; try again."; });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    results.addEventListener("mouseup", function () {
      var selected = window.getSelection().toString().replace(/\s+/g, " ").trim();
      if (selected) {
        quotation.value = selected;
        status.textContent = "Quotation set to the selected words.";
      }
    });
  });
})();
