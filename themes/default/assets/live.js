// Keeps an open page up to date without a reload: the breaking-news banner on every page, and on
// a live blog's first page its entries (new, edited, deleted). Server-Sent Events, resumed by the
// browser with Last-Event-ID; where no stream can be held, /live/updates.json is polled instead.
// A reader who has scrolled into the entries is not moved: new ones wait behind a button.
(function () {
  "use strict";
  var d = document, banner = d.getElementById("breaking"), live = d.getElementById("live");
  var follow = live && live.hasAttribute("data-follow");
  var list = live && live.querySelector(".live__entries");
  var pinBox = live && live.querySelector(".live__pinned");
  var button = live && live.querySelector(".live__new");
  var waiting = [], expiry, seq = live ? +live.getAttribute("data-seq") : 0;

  function hideAt(when) {
    clearTimeout(expiry);
    if (when) expiry = setTimeout(function () { banner.hidden = true; }, Math.max(Date.parse(when) - Date.now(), 0));
  }
  function showBanner(b) {
    if (!banner) return;
    banner.hidden = !b;
    if (!b) return hideAt();
    var old = banner.querySelector(".breaking__text"), text = d.createElement(b.url ? "a" : "span");
    text.className = "breaking__text";
    text.textContent = b.text;
    if (b.url) text.href = b.url;
    old.parentNode.replaceChild(text, old);
    hideAt(b.expires);
  }
  function item(id) {
    var e = d.getElementById("entry-" + id);
    return e && (e.parentNode.tagName === "LI" ? e.parentNode : e);
  }
  function stamp(li) {
    var t = li.querySelector("time");
    return t ? Date.parse(t.dateTime) / 1000 : 0;
  }
  // Into its place by time: newest first.
  function insert(li, at) {
    var empty = list.querySelector(".live__empty"), next;
    if (empty) empty.remove();
    next = list.firstElementChild;
    while (next && stamp(next) > at) next = next.nextElementSibling;
    list.insertBefore(li, next);
  }
  // "3 new updates" in the page's language: the page gives the phrase for each plural form, with
  // "#" where the number goes.
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(d.documentElement.lang || "en") : null;
  function countLabel(n) {
    var form = plurals ? plurals.select(n) : (n === 1 ? "one" : "other");
    var text = button.getAttribute("data-" + form) || button.getAttribute("data-other") || "#";
    return text.replace("#", String(n));
  }
  function flush() {
    waiting.splice(0).forEach(function (li) { insert(li, li.at); });
    button.hidden = true;
  }
  function keyEvent(e, node) {
    var keys = d.querySelector(".key-events ol"), link = keys && keys.querySelector("a[href='" + e.url + "']");
    if (!keys) return;
    if (!e.key_event_title) return link && link.parentNode.remove();
    var text = node.querySelector(".entry__time time").textContent + " " + e.key_event_title;
    if (link) return (link.textContent = text);
    var li = d.createElement("li"), a = d.createElement("a");
    a.href = e.url;
    a.textContent = text;
    li.appendChild(a);
    keys.insertBefore(li, keys.firstChild);
  }
  function entry(e) {
    if (e.seq) seq = Math.max(seq, e.seq);
    var old = item(e.id);
    if (e.status !== "published") {
      if (old) old.remove();
      return keyEvent({ url: e.url });
    }
    var t = d.createElement("template");
    t.innerHTML = e.html;
    var node = t.content.firstElementChild;
    keyEvent(e, node);
    if (e.pinned && pinBox) {
      if (old) old.remove();
      return pinBox.replaceChildren(node);
    }
    var li = d.createElement("li");
    li.appendChild(node);
    if (old && old.parentNode === list) return old.replaceWith(li);
    // An entry that lost its pin goes back to its place; only new ones may wait.
    if (old) return old.remove(), insert(li, e.at);
    if (list.getBoundingClientRect().top >= 0) return insert(li, e.at);
    li.at = e.at;
    waiting.push(li);
    button.textContent = countLabel(waiting.length);
    button.hidden = false;
  }
  function listen(handle) {
    return function (event) {
      var data = JSON.parse(event.data);
      if (event.lastEventId) data.seq = +event.lastEventId;
      handle(data);
    };
  }
  if (banner) hideAt(banner.getAttribute("data-expires"));
  if (button) button.addEventListener("click", function () {
    flush();
    list.scrollIntoView();
  });
  if (live && live.getAttribute("data-focus")) {
    var focus = d.getElementById(live.getAttribute("data-focus"));
    if (focus) focus.scrollIntoView();
  }
  var blog = follow ? "blog=" + live.getAttribute("data-blog") + "&" : "";
  function poll() {
    fetch("/live/updates.json?" + blog + "since=" + seq).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (u) {
      if (u) { showBanner(u.breaking); (u.entries || []).forEach(entry); }
    }, function () {}).then(function () { setTimeout(poll, 15000); });
  }
  if (!window.EventSource) return poll();
  var stream = new EventSource("/live/stream?" + blog + "since=" + seq), failures = 0;
  stream.addEventListener("open", function () { failures = 0; });
  stream.addEventListener("error", function () {
    // Refused (the browser then gives up on it), or never staying open (a proxy that buffers or
    // cuts it): poll instead.
    if (stream.readyState === 2 || ++failures >= 3) { stream.close(); poll(); }
  });
  stream.addEventListener("breaking", listen(showBanner));
  if (follow) {
    stream.addEventListener("entry", listen(entry));
    stream.addEventListener("coverage", listen(function (c) {
      if (c.coverage !== "live") live.classList.remove("live--on");
    }));
  }
})();
