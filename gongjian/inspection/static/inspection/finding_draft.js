/* The finding form keeps a draft on the phone: every field, and the photos scaled down, are
   saved in localStorage as they are typed or taken. Sending goes through fetch; when the
   network is down the draft stays, and it is sent by itself when the network comes back.
   No inline script: the page's texts come from data- attributes of the form. */
(function () {
  "use strict";
  var form = document.getElementById("finding-form");
  if (!form) { return; }
  var key = "gongjian:" + form.dataset.draftKey;
  var statusBox = document.getElementById("draft-status");
  var thumbs = document.getElementById("draft-photos");
  var fileInput = form.querySelector("input[type=file]");
  var LONG_SIDE = 1600;
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function store(draft) {
    try { localStorage.setItem(key, JSON.stringify(draft)); return true; }
    catch (e) {
      // Out of room: keep the text at least.
      try { draft.photos = []; localStorage.setItem(key, JSON.stringify(draft)); } catch (e2) {}
      return false;
    }
  }
  function say(text) { statusBox.textContent = text || ""; }
  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      out[el.name] = el.value;
    });
    return out;
  }
  function current() { return load() || { fields: {}, photos: [], pending: false }; }
  function save() {
    var draft = current();
    draft.fields = fields();
    store(draft);
  }
  function showPhotos(photos) {
    thumbs.innerHTML = "";
    photos.forEach(function (src) {
      var img = document.createElement("img");
      img.src = src; img.alt = "";
      thumbs.appendChild(img);
    });
  }
  function shrink(file) {
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () {
        var img = new Image();
        img.onload = function () {
          var scale = Math.min(1, LONG_SIDE / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.width * scale);
          canvas.height = Math.round(img.height * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.8));
        };
        // A format the browser cannot draw (HEIC on some phones): keep the original bytes.
        img.onerror = function () { resolve(reader.result); };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }
  function toBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var mime = (parts[0].match(/data:([^;]+)/) || [])[1] || "application/octet-stream";
    var bytes = atob(parts[1]);
    var buf = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { buf[i] = bytes.charCodeAt(i); }
    return new Blob([buf], { type: mime });
  }
  function restore() {
    var draft = load();
    if (!draft) { return; }
    Object.keys(draft.fields || {}).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && "value" in el) { el.value = draft.fields[name]; }
    });
    showPhotos(draft.photos || []);
    say(form.dataset.restoredText);
  }
  function send() {
    var draft = current();
    draft.fields = fields();
    draft.pending = true;
    store(draft);
    if (!navigator.onLine) { say(form.dataset.offlineText); return; }
    if (sending) { return; }
    sending = true;
    say(form.dataset.sendingText);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
    Object.keys(draft.fields).forEach(function (name) { body.append(name, draft.fields[name]); });
    (draft.photos || []).forEach(function (src, i) { body.append("photos", toBlob(src), "photo-" + (i + 1) + ".jpg"); });
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        sending = false;
        if (response.ok && response.url.indexOf("/findings/") !== -1) {
          localStorage.removeItem(key);
          window.location.assign(response.url);
          return;
        }
        // Refused (a field is wrong): back to the form with its message; the draft stays.
        var again = current(); again.pending = false; store(again);
        window.location.assign(response.url);
      })
      .catch(function () {
        sending = false;
        say(navigator.onLine ? form.dataset.failedText : form.dataset.offlineText);
      });
  }

  form.addEventListener("input", save);
  form.addEventListener("change", save);
  if (fileInput) {
    fileInput.addEventListener("change", function () {
      var files = Array.prototype.slice.call(fileInput.files || [], 0, 9);
      Promise.all(files.map(shrink)).then(function (photos) {
        var draft = current();
        draft.fields = fields();
        draft.photos = photos;
        store(draft);
        showPhotos(photos);
      });
    });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
  window.addEventListener("offline", function () { say(form.dataset.offlineText); });
  window.addEventListener("online", function () {
    var draft = load();
    if (draft && draft.pending) { send(); }
  });
  restore();
  var waiting = load();
  if (waiting && waiting.pending && navigator.onLine) { send(); }
})();
