// The main navigation. On a phone the Menu button shows and hides the list
// (the CSS hides the list while aria-expanded is "false", and the button at
// desktop widths); without this script the button stays hidden and the full
// list shows. The menus inside are <details> disclosures, which open and
// close without any script; this one only keeps one open at a time, closes
// them on a click elsewhere, and on Escape closes the innermost open one and
// puts focus back on its button.
(function () {
  var nav = document.querySelector(".site-nav");
  if (!nav) return;
  var button = nav.querySelector(".menu-button");
  var menus = Array.prototype.slice.call(nav.querySelectorAll("details"));

  function setMenu(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  if (button) {
    nav.classList.add("site-nav--folding");
    button.hidden = false;
    button.addEventListener("click", function () {
      setMenu(button.getAttribute("aria-expanded") !== "true");
    });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      menus.forEach(function (other) {
        if (other !== menu) other.open = false;
      });
    });
  });
  document.addEventListener("click", function (event) {
    if (nav.contains(event.target)) return;
    menus.forEach(function (menu) {
      menu.open = false;
    });
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = menus.filter(function (menu) {
      return menu.open && menu.contains(document.activeElement);
    })[0];
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    } else if (button && button.getAttribute("aria-expanded") === "true") {
      setMenu(false);
      button.focus();
    }
  });
})();
