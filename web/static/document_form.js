// The document form: score total, spare table rows, autosave while typing (no revision), a warning before leaving
// with unsaved changes, a visible state while a PDF is made, and the printed pages' preview of what is typed.
(function () {
  "use strict";
  var form = document.getElementById("document-form");
  if (!form) return;
  var AUTOSAVE_AFTER_MS = 8000;

  // ---- the section menu: open beside the form on a wide screen, a compact "Các mục" to open on a phone
  var menu = document.querySelector(".section-menu details");
  if (menu && window.matchMedia("(min-width: 1100px)").matches) menu.open = true;

  // ---- total of the two score groups
  var scores = form.querySelectorAll("[data-score]"), total = document.getElementById("score-total");
  function sum() {
    if (!total) return;
    var value = 0, ok = true;
    scores.forEach(function (input) {
      var v = parseFloat(input.value.replace(",", "."));
      if (isNaN(v)) ok = false; else value += v;
    });
    total.textContent = ok ? String(Math.round(value * 100) / 100).replace(".", ",") : "…";
  }
  scores.forEach(function (input) { input.addEventListener("input", sum); });
  sum();

  // ---- "Thêm dòng": a copy of the last row, emptied and renumbered
  form.querySelectorAll(".rows .add-row").forEach(function (button) {
    button.addEventListener("click", function () {
      var body = button.parentNode.querySelector("tbody"), last = body.lastElementChild;
      if (!last) return;
      var row = last.cloneNode(true), index = body.children.length;
      row.querySelectorAll("[name]").forEach(function (el) {
        el.name = el.name.replace(/-(\d+)-/, "-" + index + "-"); el.id = el.name;
        if (el.getAttribute("aria-label")) {
          el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/dòng \d+$/, "dòng " + (index + 1)));
        }
        el.removeAttribute("aria-invalid"); el.removeAttribute("aria-describedby");
        if (el.type === "checkbox") el.checked = false; else el.value = "";
      });
      row.querySelectorAll(".error").forEach(function (e) { e.remove(); });
      row.firstElementChild.textContent = index + 1;
      body.appendChild(row);
    });
  });

  // ---- autosave and the warning before leaving
  var state = document.getElementById("autosave-state");
  var dirty = false, unsent = false, timer = null, sending = false;
  function say(text) { if (state) state.textContent = text; }
  function autosave() {
    timer = null;
    if (!unsent || sending) return;
    sending = true; unsent = false;
    say("Đang tự động lưu nội dung gõ dở…");
    fetch(form.dataset.autosaveUrl, {method: "POST", body: new FormData(form), credentials: "same-origin",
                                     headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (body) { say("Đã tự động giữ nội dung gõ dở lúc " + body.shown + " (chưa phải một lần lưu)."); })
      .catch(function () { unsent = true; say("Chưa tự động lưu được; hãy bấm “Lưu nháp”."); })
      .then(function () { sending = false; if (unsent && !timer) timer = setTimeout(autosave, AUTOSAVE_AFTER_MS); });
  }
  function changed() {
    dirty = true; unsent = true;
    if (!timer) timer = setTimeout(autosave, AUTOSAVE_AFTER_MS);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { dirty = false; if (timer) clearTimeout(timer); timer = null; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "Có nội dung chưa lưu. Rời trang?";
  });
  // Restored typing, or text taken from the quarters, is not saved yet: leaving without "Lưu nháp" warns too.
  if (new URLSearchParams(window.location.search).get("restore") || form.dataset.unsaved) dirty = true;
  // "Lấy từ các quý" answered a POST (it carries what is typed, too long for an address) and stores nothing: the
  // history entry becomes the document's own address, so going back or forward to it, or reloading it, opens the
  // document page instead of the browser's "Confirm form resubmission" (the quarters can be taken up again).
  // (getAttribute: the form has a field named "action", which form.action would return.)
  if (form.dataset.unsaved && window.history.replaceState) window.history.replaceState(null, "", form.getAttribute("action"));

  // ---- "Lấy từ các quý": text offered beside a field that already had some, added or put in only on request
  document.querySelectorAll(".takeup-offer").forEach(function (box) {
    var target = document.getElementById(box.dataset.target), text = box.querySelector(".offer-text").textContent;
    if (!target) return;
    function put(value) { target.value = value; target.dispatchEvent(new Event("input", {bubbles: true})); target.focus(); }
    box.querySelector(".offer-append").addEventListener("click", function () {
      put(target.value.trim() ? target.value.replace(/\s+$/, "") + "\n\n" + text : text);
    });
    box.querySelector(".offer-replace").addEventListener("click", function () {
      if (!target.value.trim() || window.confirm("Thay toàn bộ nội dung đang có của mục này bằng đoạn lấy từ các quý?")) put(text);
    });
  });

  // ---- downloads: "đang tạo PDF…" while the file is made
  var downloadState = document.getElementById("download-state");
  document.querySelectorAll("a[data-download]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (link.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
      event.preventDefault();
      var kind = link.dataset.download === "pdf" ? "PDF" : "tệp";
      link.setAttribute("aria-busy", "true"); link.classList.add("busy-link");
      if (downloadState) downloadState.textContent = "Đang tạo " + kind + "…";
      fetch(link.href, {credentials: "same-origin"})
        .then(function (r) {
          var disposition = r.headers.get("Content-Disposition") || "";
          if (!r.ok || disposition.indexOf("attachment") < 0) { window.location.href = r.url || link.href; return null; }
          var name = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || "van-ban";
          return r.blob().then(function (blob) {
            var url = URL.createObjectURL(blob), a = document.createElement("a");
            a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
            setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
            if (downloadState) downloadState.textContent = "Đã tạo xong " + name + ".";
          });
        })
        .catch(function () { if (downloadState) downloadState.textContent = "Chưa tạo được tệp, vui lòng thử lại."; })
        .then(function () { link.removeAttribute("aria-busy"); link.classList.remove("busy-link"); });
    });
  });

  // ---- preview of the printed pages from what is on the page now (saved or not; nothing is stored)
  var preview = document.getElementById("preview");
  if (preview) {
    var previewState = document.getElementById("preview-state"), pages = document.getElementById("preview-pages");
    var again = document.getElementById("preview-again"), busy = false;
    function showPreview() {
      if (busy) return;
      busy = true; if (again) again.disabled = true;
      previewState.textContent = "Đang tạo hình xem trước từ nội dung đang gõ…";
      fetch(preview.dataset.url, {method: "POST", body: new FormData(form), credentials: "same-origin",
                                  headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
        .then(function (result) {
          if (!result.ok) { previewState.textContent = result.body.error || "Chưa xem trước được."; return; }
          pages.textContent = "";
          result.body.pages.forEach(function (url, i) {
            var img = document.createElement("img");
            img.src = url; img.loading = "lazy"; img.alt = "Trang " + (i + 1) + " của bản in";
            img.width = 596; img.height = 842;
            pages.appendChild(img);
          });
          previewState.textContent = result.body.pages.length + " trang, theo nội dung đang có trên trang (chưa lưu).";
        })
        .catch(function () { previewState.textContent = "Chưa xem trước được, vui lòng thử lại."; })
        .then(function () { busy = false; if (again) again.disabled = false; });
    }
    preview.addEventListener("toggle", function () { if (preview.open && !pages.children.length) showPreview(); });
    if (again) again.addEventListener("click", showPreview);
  }
})();
