// The main navigation's Menu button on a phone: it shows and hides the list
// (the CSS hides the list while aria-expanded is "false", and the button at
// desktop widths). Without this script the button stays hidden and the full
// list shows. Escape closes the open menu and puts focus back on the button.
(function () {
  var button = document.querySelector(".menu-button");
  if (!button) return;
  var nav = button.closest(".site-nav");
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  nav.classList.add("site-nav--folding");
  button.hidden = false;
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
})();
