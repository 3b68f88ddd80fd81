// Progressive enhancements for the newsroom editor. Everything works without this file:
// it adds a Markdown toolbar, a live preview, autosave of drafts, a warning before leaving
// with unsaved changes, keyboard shortcuts (listed on the page) and a "who else is editing"
// notice kept current while the article is open.
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
    fetch(form.dataset.preview, { method: "POST", body: formBody(), credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && typeof data.html === "string") preview.innerHTML = data.html; })
      .catch(function () {});
  }

  // Keyboard shortcuts: Ctrl/Cmd+S saves, Ctrl/Cmd+Enter refreshes the preview, Alt+P publishes
  // now when the workflow panel offers it.
  var editable = !form.querySelector("fieldset[disabled]");
  document.addEventListener("keydown", function (event) {
    var mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && !event.shiftKey && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      var save = form.querySelector("button[name=intent][value=save]");
      if (editable && save) { submitting = true; form.requestSubmit(save); }
    } else if (mod && event.key === "Enter") {
      event.preventDefault();
      clearTimeout(previewTimer);
      if (preview && form.dataset.preview) {
        refreshPreview();
        preview.scrollIntoView({ block: "nearest" });
      } else {
        var show = form.querySelector("button[name=intent][value=preview]");
        if (show) { submitting = true; form.requestSubmit(show); }
      }
    } else if (event.altKey && !mod && event.code === "KeyP") {
      var publish = document.querySelector(".workflow__form button[name=action][value=publish]");
      if (!publish) return;
      event.preventDefault();
      if (dirty) {
        if (status) status.textContent = form.dataset.msgSaveFirst || "Save your changes first (Ctrl+S), then publish.";
        return;
      }
      if (window.confirm(form.dataset.msgPublishConfirm || "Publish this article now?")) {
        submitting = true;
        publish.form.requestSubmit(publish);
      }
    }
  });

  // Who else is editing: refreshed every 25 seconds while the page is open (and visible).
  var presence = document.getElementById("presence");
  if (presence && presence.dataset.presence) {
    var csrf = form.querySelector("input[name=csrf]");
    var poll = function () {
      if (document.hidden || !csrf) return;
      fetch(presence.dataset.presence, {
        method: "POST",
        body: new URLSearchParams({ csrf: csrf.value }),
        credentials: "same-origin",
        // Errors come back as JSON (a 401 when signed out) rather than as a page to parse.
        headers: { Accept: "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || typeof data.message !== "string") return;
          presence.textContent = data.message;
          presence.hidden = data.message === "";
        })
        .catch(function () {});
    };
    setInterval(poll, 25000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  }

  function autosave() {
    fetch(form.dataset.autosave, { method: "POST", body: formBody(), credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (result) {
        if (result.ok) {
          form.querySelector("input[name=base_revision]").value = result.data.revision;
          dirty = false;
          if (status) status.textContent = (form.dataset.msgAutosaved || "Autosaved") + " " + result.data.saved_at;
        } else if (status) {
          status.textContent = (form.dataset.msgNotAutosaved || "Not autosaved:") + " " + result.data.error;
        }
      })
      .catch(function () { if (status) status.textContent = form.dataset.msgOffline || "Not autosaved: offline?"; });
  }
})();

// Media: drop an image on the library's upload box to send it, or on the article body to upload
// it and insert its Markdown at the cursor. Without this file the upload form works as it is.
(function () {
  "use strict";
  function dropTarget(element, onFiles) {
    element.addEventListener("dragover", function (event) {
      if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) return;
      event.preventDefault();
      element.classList.add("dropping");
    });
    element.addEventListener("dragleave", function () { element.classList.remove("dropping"); });
    element.addEventListener("drop", function (event) {
      element.classList.remove("dropping");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      onFiles(event.dataTransfer.files);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-dropzone]"), function (upload) {
    var input = upload.querySelector("input[type=file]");
    dropTarget(upload, function (files) {
      input.files = files;
      upload.requestSubmit ? upload.requestSubmit() : upload.submit();
    });
  });

  var editor = document.getElementById("editor-form");
  var body = editor && editor.querySelector("#body");
  var csrf = editor && editor.querySelector("input[name=csrf]");
  if (!body || !csrf || editor.querySelector("fieldset[disabled]")) return;
  var status = editor.querySelector(".autosave-status");
  function say(text) { if (status) status.textContent = text; }
  dropTarget(body, function (files) {
    var data = new FormData();
    data.append("csrf", csrf.value);
    data.append("file", files[0]);
    say((editor.dataset.msgUploading || "Uploading") + " " + files[0].name + "…");
    fetch("/newsroom/media", { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json", "X-CSRF-Token": csrf.value } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.error) { say(answer.error); return; }
        var at = body.selectionStart, text = body.value;
        var snippet = "\n\n" + answer.markdown + "\n\n";
        body.value = text.slice(0, at) + snippet + text.slice(at);
        body.dispatchEvent(new Event("input", { bubbles: true }));
        say(editor.dataset.msgImageAdded || "Image added. Write its alt text between the brackets before publishing.");
      })
      .catch(function () { say(editor.dataset.msgUploadFailed || "The upload failed; try the media library page."); });
  });
})();

// Live blogs: ask before deleting; alt text is required once a photo is chosen; Ctrl+Enter posts.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });
  var composer = document.getElementById("composer");
  if (!composer) return;
  var photo = composer.querySelector("#entry-photo");
  var alt = composer.querySelector("#entry-photo-alt");
  if (photo && alt) {
    photo.addEventListener("change", function () { alt.required = photo.files.length > 0; });
  }
  var body = composer.querySelector("#entry-body");
  var post = composer.querySelector("button[value=post]");
  if (body && post) {
    body.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        if (composer.requestSubmit) composer.requestSubmit(post); else post.click();
      }
    });
  }
})();
