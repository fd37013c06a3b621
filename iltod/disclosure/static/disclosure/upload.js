// The upload page's progress bar: the bytes sent, then the rows checked and saved (read from the
// server while the import runs). Without this script the form posts as usual.
(function () {
  "use strict";
  var form = document.getElementById("values-upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var box = form.querySelector(".upload-progress");
  var bar = document.getElementById("upload-bar");
  var label = document.getElementById("upload-label");
  form.addEventListener("submit", function (event) {
    if (!form.querySelector("input[type=file]").value) return;
    event.preventDefault();
    box.hidden = false;
    var timer = null;
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 50);
    });
    request.upload.addEventListener("load", function () {
      label.textContent = label.dataset.checking;
      timer = window.setInterval(function () {
        fetch(form.dataset.progress, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (p) { if (p.total) bar.value = 50 + Math.round((p.done / p.total) * 50); })
          .catch(function () {});
      }, 700);
    });
    request.addEventListener("load", function () {
      if (timer) window.clearInterval(timer);
      bar.value = 100;
      // Show the page the server answered (the report or the form with its errors).
      document.open();
      document.write(request.responseText);
      document.close();
      if (request.responseURL) window.history.replaceState(null, "", request.responseURL);
    });
    request.send(new FormData(form));
  });
})();
