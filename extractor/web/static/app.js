// kehoach review app: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  // Upload page: poll job progress until every job is done or failed.
  function pollJobs() {
    var table = document.getElementById("jobs");
    if (!table || !table.dataset.ids) return;
    var timer = setInterval(function () {
      fetch("/api/jobs?ids=" + encodeURIComponent(table.dataset.ids), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var pending = 0;
          data.jobs.forEach(function (job) {
            var row = table.querySelector('tr[data-job="' + job.id + '"]');
            if (!row) return;
            var status = row.querySelector(".job-status");
            status.textContent = job.label + (job.status === "failed" ? ": " + job.message : "");
            status.className = "job-status s-" + job.status;
            row.querySelector("progress").value = job.progress;
            var link = row.querySelector(".job-link");
            if (job.status === "done" && !link.firstChild) {
              var a = document.createElement("a");
              a.href = "/documents/" + job.document_id;
              a.textContent = "Rà soát";
              link.appendChild(a);
            }
            if (job.status === "queued" || job.status === "running") pending += 1;
          });
          if (!pending) clearInterval(timer);
        })
        .catch(function () { /* keep polling: the server may be restarting */ });
    }, 1000);
  }

  // Review page: show the page a field was read from and box its source.
  function reviewViewer() {
    var page = document.getElementById("page");
    if (!page) return;
    var img = document.getElementById("page-img");
    var hl = document.getElementById("highlight");
    var no = document.getElementById("page-no");
    var total = parseInt(page.dataset.pages, 10) || 1;
    var current = 1;

    function show(n) {
      n = Math.max(1, Math.min(total, n));
      if (n !== current) {
        current = n;
        img.src = "/documents/" + page.dataset.doc + "/pages/" + n + ".png";
        no.textContent = n;
      }
    }
    function mark(form) {
      var p = parseInt(form.dataset.page, 10);
      if (p) show(p);
      var box = (form.dataset.box || "").split(",").map(parseFloat);
      if (box.length === 4 && !isNaN(box[0])) {
        hl.style.left = box[0] + "%"; hl.style.top = box[1] + "%";
        hl.style.width = box[2] + "%"; hl.style.height = box[3] + "%";
        hl.hidden = false;
      } else {
        hl.hidden = true;
      }
    }
    document.getElementById("prev-page").addEventListener("click", function () { hl.hidden = true; show(current - 1); });
    document.getElementById("next-page").addEventListener("click", function () { hl.hidden = true; show(current + 1); });
    document.querySelectorAll("form.field").forEach(function (form) {
      form.addEventListener("focusin", function () { mark(form); });
    });
  }

  // Keyboard: Ctrl+Enter saves a textarea; Alt+↓ / Alt+↑ move between fields.
  function keyboard() {
    var fields = Array.prototype.slice.call(document.querySelectorAll("form.field [name=value]"));
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.ctrlKey && e.key === "Enter" && t.tagName === "TEXTAREA" && t.form) {
        e.preventDefault();
        t.form.requestSubmit();
      } else if (e.altKey && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
        var i = fields.indexOf(t.form ? t.form.querySelector("[name=value]") : null);
        var next = fields[i + (e.key === "ArrowDown" ? 1 : -1)] || fields[0];
        if (next) { e.preventDefault(); next.focus(); }
      }
    });
    var target = location.hash && document.querySelector(location.hash + " [name=value]");
    var clash = document.querySelector("form.field.clash [name=value]");
    if (clash || target) (clash || target).focus();
  }

  function confirms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.dataset.confirm)) e.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    pollJobs(); reviewViewer(); keyboard(); confirms();
  });
})();
