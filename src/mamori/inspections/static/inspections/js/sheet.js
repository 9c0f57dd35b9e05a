// Autosave of the self-inspection sheet: each change is posted at once, so a long form never loses work.
// Without this file the page still works: the "保存する" button saves every answer.
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("save-status");
  var progress = document.getElementById("progress");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timers = {};

  function show(text, isError) {
    status.textContent = text;
    status.classList.toggle("save-status--error", Boolean(isError));
  }

  function send(item) {
    var fieldset = document.getElementById("item-" + item);
    var checked = fieldset.querySelector("input[type=radio]:checked");
    var comment = fieldset.querySelector("textarea");
    var body = new FormData();
    body.append("item", item);
    body.append("value", checked ? checked.value : "");
    if (comment) { body.append("comment", comment.value); }
    show("保存しています…");
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (result) {
        var data = result[1];
        show(data.message, !result[0]);
        if (result[0] && progress) {
          progress.textContent = data.answered + " / " + progress.getAttribute("data-total") + " 項目に回答済";
        }
      })
      .catch(function () { show("保存できませんでした。通信を確認し、「保存する」を押してください。", true); });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-item]");
    if (!fieldset || event.target.type === "file") { return; }
    send(fieldset.getAttribute("data-item"));
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    var fieldset = event.target.closest("fieldset[data-item]");
    if (!fieldset) { return; }
    var item = fieldset.getAttribute("data-item");
    clearTimeout(timers[item]);
    timers[item] = setTimeout(function () { send(item); }, 800);
  });
})();
