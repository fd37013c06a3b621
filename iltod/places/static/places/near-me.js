// "Facilities near me": asks the browser for its position and sends the search form with it, so
// the facility list comes nearest first. An enhancement only: without JavaScript, or when the
// position is refused, the button stays hidden or says so, and searching by name works as before.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-near-me]");
  if (!buttons.length || !("geolocation" in navigator)) return;
  Array.prototype.forEach.call(buttons, function (button) {
    var form = button.form;
    var status = form.querySelector("[data-near-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) status.textContent = button.getAttribute("data-waiting") || "";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var near = form.querySelector("input[name=near]");
          if (!near) {
            near = document.createElement("input");
            near.type = "hidden";
            near.name = "near";
            form.appendChild(near);
          }
          near.value = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
          var words = form.querySelector("input[name=q]");
          if (words) words.value = "";
          form.submit();
        },
        function () {
          if (status) status.textContent = button.getAttribute("data-refused") || "";
        },
        { timeout: 15000, maximumAge: 300000 }
      );
    });
  });
})();
