// mutualaid's only script: follows a running solve (progress bar, no reload until it ends),
// prints a paper page, asks before a delete, keeps a form from being sent twice and copies a
// calendar link. Every page works without it.
"use strict";
(function () {
  var box = document.getElementById("progress");
  if (box && box.dataset.active === "true") {
    var bar = document.getElementById("progress-bar");
    var served = document.getElementById("progress-served");
    var elapsed = document.getElementById("progress-elapsed");
    var status = document.getElementById("plan-status");
    var trouble = document.getElementById("progress-trouble");
    var fill = function (text, values) {
      return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
    };
    var poll = function () {
      fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (p) {
          bar.max = Math.max(p.bound, 1);
          bar.value = p.served;
          bar.textContent = p.served + " / " + p.bound;
          served.textContent = fill(box.dataset.servedLabel, { served: p.served, bound: p.bound });
          elapsed.textContent = fill(box.dataset.elapsedLabel, { seconds: p.elapsed === null ? 0 : p.elapsed });
          box.dataset.status = p.status;
          if (trouble) { trouble.textContent = p.trouble || ""; trouble.hidden = !p.trouble; }
          if (status) { status.dataset.live = p.status; }
          if (p.active) { window.setTimeout(poll, 1000); } else { window.location.reload(); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
  // a form is sent once: its buttons rest until the next page
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
  // "Copy the link": shown only where the script runs (else the field is there to select)
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.dataset.copied;
      }, function () { field.select(); });
    });
  });
  window.addEventListener("pageshow", function (event) {  // back again: the buttons work
    if (event.persisted) {
      document.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    }
  });
})();
