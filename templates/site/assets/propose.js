/* "Propose an example / an action": the form becomes a small JSON file the contributor saves (and, when the
   event has an address, a pre-filled e-mail). Nothing is sent anywhere: the page works from file:// and
   offline. The file's format is the one `invoke harvest` reads (pipeline/contributions/web.py). */
(function () {
  "use strict";
  var form = document.getElementById("propose-form");
  if (!form) return;
  var status = document.getElementById("propose-status");
  var mail = document.getElementById("propose-mail");

  function value(name) {
    var field = form.elements[name];
    return field ? String(field.value || "").trim() : "";
  }
  function kind() {
    var checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "example";
  }
  function showKind() {
    var k = kind();
    form.querySelectorAll("[data-for]").forEach(function (p) { p.hidden = p.getAttribute("data-for") !== k; });
  }
  function proposal() {
    var k = kind();
    var item = {kind: k, priority: value("priority"), challenge: value("challenge"), "function": value("function"),
                note: value("note")};
    if (k === "example") {
      item.name = value("name"); item.country = value("country"); item.link = value("link");
    } else {
      item.text = value("text");
    }
    return {
      format: form.getAttribute("data-format"), version: Number(form.getAttribute("data-version")),
      saved_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"), page: form.getAttribute("data-page"),
      toolkit_edition: form.getAttribute("data-edition"),
      contributor: {name: value("person"), organisation: value("organisation"), email: value("email")},
      proposals: [item]
    };
  }
  function problems(data) {
    var item = data.proposals[0], out = [];
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    function bad(name, message) { form.elements[name].setAttribute("aria-invalid", "true"); out.push(message); }
    if (item.kind === "example" && !item.name) bad("name", "Give the example's name.");
    if (item.kind === "action" && !item.text) bad("text", "Give the text of the action.");
    if (item.link && !/^https?:\/\/\S+$/i.test(item.link)) bad("link", "The web address must start with http:// or https://.");
    if (!data.contributor.name) bad("person", "Give your name, so the editors can credit you.");
    return out;
  }
  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }
  function fileName(data) {
    var item = data.proposals[0];
    var slug = (item.name || item.text || "proposal").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "proposal";
    return "proposal-" + slug + "-" + data.saved_at.slice(0, 10) + ".json";
  }
  function updateMail() {
    if (!mail) return;
    var data = proposal(), item = data.proposals[0];
    var subject = "Toolkit proposal: " + (item.name || item.text || "an example or action").slice(0, 80);
    var body = "My proposal for the Cluster Policy Toolkit (the lines below can be read back by the editors):\n\n" +
      JSON.stringify(data, null, 2) + "\n";
    mail.href = "mailto:" + form.getAttribute("data-email") + "?subject=" + encodeURIComponent(subject) +
      "&body=" + encodeURIComponent(body);
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") showKind();
    updateMail();
  });
  form.addEventListener("input", updateMail);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = proposal(), found = problems(data);
    if (found.length) { say(found.join(" "), true); return; }
    var blob = new Blob([JSON.stringify(data, null, 2) + "\n"], {type: "application/json"});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = fileName(data);
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    say("Saved " + link.download + ". Send the file to the toolkit's editors" +
        (form.getAttribute("data-email") ? " (" + form.getAttribute("data-email") + ")" : "") + ".", false);
  });
  showKind();
  updateMail();
})();
