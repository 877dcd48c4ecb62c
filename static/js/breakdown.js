// Shows the running sum of a breakdown grid's cells as the person types, so
// they can see it match the total before saving. The server checks it anyway.
(function () {
  function update(grid) {
    var sum = 0;
    grid.querySelectorAll("input").forEach(function (input) {
      var number = parseInt(input.value, 10);
      if (!isNaN(number)) sum += number;
    });
    var output = grid.closest("fieldset").querySelector("[data-breakdown-sum]");
    output.textContent = sum;
    output.closest("p").hidden = false;
  }
  document.addEventListener("input", function (event) {
    var grid = event.target.closest("[data-breakdown-total]");
    if (grid) update(grid);
  });
  function init(root) {
    root.querySelectorAll("[data-breakdown-total]").forEach(update);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
