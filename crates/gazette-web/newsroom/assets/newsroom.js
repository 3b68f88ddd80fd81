// Progressive enhancements for the newsroom editor. Everything works without this file:
// it adds a Markdown toolbar, a live preview, autosave of drafts and a warning before leaving
// with unsaved changes.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form) return;
  var body = form.querySelector("#body");
  var status = form.querySelector(".autosave-status");
  var preview = document.getElementById("preview");
  var dirty = false;
  var submitting = false;

  form.addEventListener("input", function () { dirty = true; schedule(); });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });

  // Toolbar: wraps the selection (or prefixes the line) with Markdown.
  var toolbar = form.querySelector(".toolbar");
  if (toolbar && body && !form.querySelector("fieldset[disabled]")) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var mark = event.target.getAttribute("data-md");
      if (!mark) return;
      var start = body.selectionStart, end = body.selectionEnd, text = body.value;
      var inserted = mark.slice(-1) === " "
        ? mark + text.slice(start, end)
        : mark + text.slice(start, end) + mark;
      body.setRangeText(inserted, start, end, "select");
      body.focus();
      dirty = true;
      schedule();
    });
  }

  function formBody() {
    return new URLSearchParams(new FormData(form));
  }

  var previewTimer = null;
  var saveTimer = null;
  function schedule() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 600);
    if (form.dataset.autosave) {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(autosave, 5000);
    }
  }

  function refreshPreview() {
    if (!preview || !form.dataset.preview) return;
    fetch(form.dataset.preview, { method: "POST", body: formBody(), credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && typeof data.html === "string") preview.innerHTML = data.html; })
      .catch(function () {});
  }

  function autosave() {
    fetch(form.dataset.autosave, { method: "POST", body: formBody(), credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (result) {
        if (result.ok) {
          form.querySelector("input[name=base_revision]").value = result.data.revision;
          dirty = false;
          if (status) status.textContent = "Autosaved " + result.data.saved_at;
        } else if (status) {
          status.textContent = "Not autosaved: " + result.data.error;
        }
      })
      .catch(function () { if (status) status.textContent = "Not autosaved: offline?"; });
  }
})();
