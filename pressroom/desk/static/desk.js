/* The print desk's page scripts. Everything works without them (plain forms and links);
   with them, search filters as you type, forms are checked before anything opens, and the
   page says when the documents were rebuilt. No patient data is kept: not in storage,
   not in the URL, not in the console. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\u00df/g, "ss");
  }

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* -- the catalogue: filter as you type ------------------------------------------------ */
  function finder() {
    var form = document.getElementById("finder");
    if (!form) return;
    var cards = Array.prototype.slice.call(document.querySelectorAll("#cards > .card"));
    var count = document.getElementById("count-number");
    var none = document.getElementById("none");
    var timer = null;
    function apply() {
      var words = fold(form.q.value).split(/\s+/).filter(Boolean);
      var language = form.language.value, paper = form.paper.value, kind = form.kind.value;
      var large = form.large_print.checked;
      var shown = 0;
      cards.forEach(function (card) {
        var d = card.dataset;
        var ok = (!language || d.language === language) && (!paper || d.paper === paper) &&
          (!kind || d.kind === kind) && (!large || d.large === "1") &&
          words.every(function (w) { return d.search.indexOf(w) !== -1; });
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = String(shown);
      if (none) none.hidden = shown !== 0 || cards.length === 0;
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
      var query = params.toString();
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 80); });
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  }

  /* -- forms checked on the desk before the PDF opens ------------------------------------ */
  function showProblems(form, problems) {
    var box = document.getElementById("form-problems");
    var list = el("ul");
    form.querySelectorAll(".error").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
    problems.forEach(function (p) {
      list.appendChild(el("li", p.text));
      var field = p.row ? null : form.querySelector('[data-field="' + p.field + '"]');
      if (field) {
        var err = field.querySelector(".error");
        err.textContent = (err.textContent ? err.textContent + " " : "") + p.message;
        var input = field.querySelector("input, textarea, select");
        if (input) input.setAttribute("aria-invalid", "true");
      }
    });
    box.textContent = "";
    var rows = problems.filter(function (p) { return p.row; }).length;
    box.appendChild(el("h2", problems.length === 1 ? "Please check this:" :
      "Please check these " + problems.length + " things" + (rows ? " (by row and column of the file)" : "") + ":"));
    box.appendChild(list);
    box.hidden = false;
    box.focus();
  }

  function clearProblems(form) {
    var box = document.getElementById("form-problems");
    box.hidden = true;
    form.querySelectorAll(".error").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
  }

  function checked(formId, firstButtonId, finalButtonId, before, onReady) {
    var form = document.getElementById(formId);
    if (!form) return;
    var ready = document.getElementById("ready");
    var first = document.getElementById(firstButtonId);
    function stale() { ready.hidden = true; }
    form.addEventListener("input", stale);
    form.addEventListener("change", stale);
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.id === finalButtonId) return;  // opens the PDF in a new tab
      event.preventDefault();
      var local = before ? before(form) : null;
      if (local) { showProblems(form, local); return; }
      first.disabled = true;
      fetch(form.dataset.checkUrl, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () {
          return { ok: false, problems: [{ row: 0, field: "", text: "The desk did not answer (" + response.status + "). Try again." }] };
        });
      }).then(function (answer) {
        if (!answer.ok) { ready.hidden = true; showProblems(form, answer.problems || []); return; }
        clearProblems(form);
        document.getElementById("ready-message").textContent = answer.message;
        if (onReady) onReady(answer);
        ready.hidden = false;
        document.getElementById(finalButtonId).focus();
      }).catch(function () {
        showProblems(form, [{ row: 0, field: "", text: "The desk could not be reached. Is it still running?" }]);
      }).finally(function () { first.disabled = false; });
    });
  }

  function counters() {
    document.querySelectorAll(".counter").forEach(function (counter) {
      var input = document.getElementById(counter.dataset.for);
      var limit = parseInt(input.dataset.limit, 10);
      function update() {
        var n = Array.from(input.value.normalize("NFC").trim()).length;
        counter.textContent = n + " of at most " + limit + " characters" + (n > limit ? ": " + (n - limit) + " too many" : ".");
        counter.classList.toggle("over", n > limit);
      }
      input.addEventListener("input", update);
      update();
    });
  }

  function listFiles(form) {
    var input = form.csv;
    var max = parseInt(form.dataset.maxBytes, 10);
    if (!input.files.length) return [{ row: 0, field: "", text: "Choose the CSV file of the list first." }];
    if (input.files[0].size > max) {
      return [{ row: 0, field: "", text: "The file is " + input.files[0].size.toLocaleString() +
        " bytes; at most " + max.toLocaleString() + " (1 MB) are allowed: split the list." }];
    }
    return null;
  }

  function listReady(answer) {
    var list = document.getElementById("ready-documents");
    list.textContent = "";
    (answer.documents || []).forEach(function (d) {
      list.appendChild(el("li", d.copies + " × " + d.title + " (" + d.path + ")"));
    });
  }

  /* -- the build, watched ------------------------------------------------------------------ */
  function watchBuild() {
    var url = document.body.dataset.statusUrl;
    var seen = document.body.dataset.generation;
    var area = document.getElementById("build-status");
    if (!url || !area) return;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (status) {
          if (!status || String(status.generation) === seen) return;
          seen = String(status.generation);
          area.textContent = "";
          var box = el("div");
          box.className = "alert " + (status.problems.length ? "alert-error" : "alert-ok");
          if (status.problems.length) {
            box.appendChild(el("h2", "The last change to the content has " + status.problems.length + " problem" +
              (status.problems.length === 1 ? "" : "s")));
            box.appendChild(el("p", "The documents are the last good build; they are safe to print. Ask whoever edits the content to fix:"));
            var list = el("ul");
            list.className = "problems";
            status.problems.forEach(function (p) { var li = el("li"); li.appendChild(el("code", p)); list.appendChild(li); });
            box.appendChild(list);
          } else {
            box.appendChild(el("p", "The documents were updated."));
          }
          var reload = el("button", "Show the current list");
          reload.type = "button";
          reload.className = "button button-secondary";
          reload.addEventListener("click", function () { location.reload(); });
          box.appendChild(reload);
          area.appendChild(box);
        }).catch(function () { /* the desk is restarting: try again later */ });
    }
    setInterval(poll, 4000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    finder();
    counters();
    checked("copy-form", "prepare", "open-copy");
    checked("list-form", "check-list", "make-list", listFiles, listReady);
    watchBuild();
  });
})();
