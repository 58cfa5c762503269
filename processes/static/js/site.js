// The only script: on a phone the filter panel starts folded, so the results come first.
// Without it everything works; the panel is simply open (and placed after the results).
document.documentElement.classList.add("js");
if (window.matchMedia("(max-width: 40rem)").matches) {
  for (const panel of document.querySelectorAll("details.filter-panel[open]")) {
    panel.open = false;
  }
}
