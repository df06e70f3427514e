"use strict";
// The packet progress page: polls the job's status and shows progress, the error, the download links.
(function () {
var box = document.getElementById("job");
function show(job) {
  document.getElementById("job-state").textContent = job.state_label;
  var bar = document.getElementById("job-progress");
  bar.max = job.total || 1; bar.value = job.done;
  document.getElementById("job-count").textContent = job.done + "/" + job.total;
  document.getElementById("job-step").textContent = job.step || "";
  var error = document.getElementById("job-error");
  error.hidden = !job.error; error.textContent = job.error || "";
  document.getElementById("job-result").hidden = job.state !== "done";
  document.getElementById("job-cancel").hidden = !(job.state === "queued" || job.state === "running");
  return job.state === "queued" || job.state === "running";
}
function poll() {
  fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
    .then(function (r) { return r.json(); })
    .then(function (job) { if (show(job)) setTimeout(poll, 500); })
    .catch(function () { setTimeout(poll, 2000); });
}
poll();
})();
