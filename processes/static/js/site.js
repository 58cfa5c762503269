// On a phone the filter panel starts folded, so the results come first.
// Without it everything works; the panel is simply open (and placed after the results).
document.documentElement.classList.add("js");
if (window.matchMedia("(max-width: 40rem)").matches) {
  for (const panel of document.querySelectorAll("details.filter-panel[open]")) {
    // A panel holding a field to correct stays open.
    if (!panel.querySelector(".has-error")) {
      panel.open = false;
    }
  }
}
