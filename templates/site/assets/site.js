/* The web toolkit's only script: filters the matrix and the example list that the page already holds.
 * It never builds markup from data (elements with textContent and attributes only) and keeps the
 * filter state in the URL hash (#priority=green&q=...) so a filtered view is a shareable link.
 * A query string (?priority=green, what the form submits without JavaScript) is read too.
 * The page holds only the first examples of each cell and of the list (it stays light at thousands):
 * the first time the filters are used, assets/search-data.js (every example's id, name, country and
 * cells) is loaded with a <script> element (fetch() of a local file fails from file://), and from then
 * on search and filters also reach the examples the page does not show. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var FIELDS = ["q", "priority", "challenge", "function", "country"];

  // Case- and accent-insensitive: "Écosystème" and "ecosysteme" are the same word to a searcher.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  // What a search looks at: the action's text, the example's name and country (not labels like "Example:").
  function searchText(el) {
    var parts = all(el, "[data-search]");
    return fold((parts.length ? parts : [el]).map(function (p) { return p.textContent; }).join(" "));
  }

  function init() {
    var form = document.getElementById("filters");
    if (!form) { return; }
    var status = document.getElementById("status");
    var initialStatus = status.textContent;

    var cells = all(document, "[data-cell]").map(function (el) {
      return {
        el: el, priority: el.dataset.priority, challenge: el.dataset.challenge, function: el.dataset.function,
        items: all(el, "[data-item]").map(function (li) {
          return { el: li, text: searchText(li), country: li.dataset.country || "" };
        })
      };
    });
    var groups = all(document, "[data-group]");
    var list = document.getElementById("example-list");
    var limit = list ? parseInt(list.dataset.limit, 10) : 0;
    var examples = all(document, "[data-example]").map(function (li) {
      return { el: li, text: searchText(li), country: li.dataset.country || "",
               cells: (li.dataset.cells || "").split(" ").filter(Boolean) };
    });
    var data = null;  // every example, once search-data.js is loaded: {examples: [...], byCell: {...}}

    function useData(raw) {
      var byCell = {};
      var rows = raw.examples.map(function (r) {
        var ex = { id: r[0], name: r[1], country: r[2], cells: r[3], text: fold(r[1] + " " + r[2]), el: null };
        ex.cells.forEach(function (key) { (byCell[key] = byCell[key] || []).push(ex); });
        return ex;
      });
      data = { examples: rows, byCell: byCell };
      cells.forEach(function (cell) {
        cell.all = byCell[cell.priority + "/" + cell.challenge + "/" + cell.function] || [];
      });
    }

    var loading = false;
    function loadData() {
      if (data || loading || !list) { return; }
      if (window.CPT_SEARCH_DATA) { useData(window.CPT_SEARCH_DATA); apply(read()); return; }
      var own = document.querySelector("script[src$='assets/site.js']");
      if (!own) { return; }
      loading = true;
      var script = document.createElement("script");
      script.src = own.getAttribute("src").replace(/site\.js$/, "search-data.js");
      script.onload = function () {
        if (window.CPT_SEARCH_DATA) { useData(window.CPT_SEARCH_DATA); apply(read()); }
      };
      document.head.appendChild(script);
    }

    // One list item as the page renders it (elements and textContent: no markup from data).
    function exampleItem(ex) {
      if (!ex.el) {
        var li = document.createElement("li");
        li.setAttribute("data-example", "");
        li.dataset.country = ex.country;
        li.dataset.cells = ex.cells.join(" ");
        var a = document.createElement("a");
        a.href = "examples/" + ex.id + ".html";
        a.textContent = ex.name;
        li.appendChild(a);
        if (ex.country) {
          var country = document.createElement("span");
          country.className = "ex-country";
          country.textContent = ex.country;
          li.appendChild(document.createTextNode(" "));
          li.appendChild(country);
        }
        ex.el = li;
      }
      return ex.el;
    }

    function read() {
      var state = {};
      FIELDS.forEach(function (name) { state[name] = form.elements[name].value.trim(); });
      return state;
    }

    function write(state) {
      FIELDS.forEach(function (name) {
        var field = form.elements[name];
        var value = state[name] || "";
        if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
          value = "";  // an unknown value in a shared link: show everything rather than nothing
        }
        field.value = value;
      });
    }

    function fromUrl() {
      var raw = location.hash.slice(1);
      if (raw.indexOf("=") < 0) { raw = location.search.slice(1); }  // "#main" is an anchor, not a state
      var params = new URLSearchParams(raw);
      var state = {};
      FIELDS.forEach(function (name) { state[name] = params.get(name) || ""; });
      return state;
    }

    function toUrl(state) {
      var params = new URLSearchParams();
      FIELDS.forEach(function (name) { if (state[name]) { params.set(name, state[name]); } });
      var text = params.toString();
      var base = location.pathname + location.search;
      history.replaceState(null, "", text ? "#" + text : base);
    }

    function cellMatches(state, cell) {
      return (!state.priority || cell.priority === state.priority) &&
             (!state.challenge || cell.challenge === state.challenge) &&
             (!state.function || cell.function === state.function);
    }

    function textMatches(terms, text) {
      return terms.every(function (term) { return text.indexOf(term) >= 0; });
    }

    function apply(state) {
      var terms = fold(state.q).split(" ").filter(Boolean);
      var narrowing = terms.length > 0 || state.country !== "";
      var shownCells = 0, hitItems = 0;
      cells.forEach(function (cell) {
        var hits = 0;
        cell.items.forEach(function (item) {
          var byText = terms.length > 0 && textMatches(terms, item.text);
          var byCountry = state.country !== "" && item.country === state.country;
          var hit = byText || byCountry;
          item.el.classList.toggle("hit", narrowing && hit);
          if (hit) { hits += 1; }
        });
        var countryOk = !state.country || cell.items.some(function (i) { return i.country === state.country; }) ||
          (cell.all || []).some(function (ex) { return ex.country === state.country; });
        var textOk = !terms.length || cell.items.some(function (i) { return textMatches(terms, i.text); }) ||
          (cell.all || []).some(function (ex) { return textMatches(terms, ex.text); });
        var show = cellMatches(state, cell) && countryOk && textOk;
        cell.el.hidden = !show;
        if (show) { shownCells += 1; hitItems += hits; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-cell]:not([hidden])");
      });
      document.getElementById("no-cells").hidden = shownCells > 0;

      var shownExamples = 0;
      var byCell = state.priority || state.challenge || state.function;
      function exampleMatches(ex) {
        return (!state.country || ex.country === state.country) &&
               (!terms.length || textMatches(terms, ex.text)) &&
               (!byCell || ex.cells.some(function (key) {
                 var part = key.split("/");
                 return cellMatches(state, { priority: part[0], challenge: part[1], function: part[2] });
               }));
      }
      var totalExamples = list ? parseInt(list.dataset.total, 10) : examples.length;
      if (data) {  // every example: list the first `limit` matches, count the rest
        var matches = data.examples.filter(exampleMatches);
        shownExamples = matches.length;
        var fragment = document.createDocumentFragment();
        matches.slice(0, limit).forEach(function (ex) { fragment.appendChild(exampleItem(ex)); });
        list.textContent = "";
        list.appendChild(fragment);
        examples = matches.slice(0, limit).map(function (ex) { return { el: ex.el }; });
      } else {
        examples.forEach(function (ex) {
          var show = exampleMatches(ex);
          ex.el.hidden = !show;
          if (show) { shownExamples += 1; }
        });
        if (shownExamples === examples.length) { shownExamples = totalExamples; }
      }
      var more = document.getElementById("examples-more");
      if (more) {
        var left = shownExamples - Math.min(shownExamples, limit);
        more.hidden = left <= 0;
        document.getElementById("examples-more-count").textContent = "and " + left + " more";
      }
      document.getElementById("no-examples").hidden = shownExamples > 0;
      var examplesStatus = document.getElementById("examples-status");
      if (!examplesStatus.dataset.all) { examplesStatus.dataset.all = examplesStatus.textContent; }
      examplesStatus.textContent = shownExamples === totalExamples ? examplesStatus.dataset.all
        : shownExamples + " of " + totalExamples + " examples match the filters.";

      var active = FIELDS.some(function (name) { return state[name]; });
      if (!active) {
        status.textContent = initialStatus;
      } else {
        status.textContent = "Showing " + shownCells + " of " + cells.length + " cells and " + shownExamples +
          " of " + totalExamples + " examples." + (narrowing && hitItems ? " Matches are highlighted." : "");
      }
      roadmap(state);
    }

    // The roadmap template for the chosen priority and challenge (the default roadmaps' file names).
    function roadmap(state) {
      var link = document.getElementById("roadmap-link");
      var note = document.getElementById("roadmap-note");
      if (!link) { return; }
      var ready = state.priority && state.challenge;
      link.hidden = !ready;
      note.hidden = !!ready;
      if (ready) {
        link.href = link.dataset.pattern.replace("{priority}", state.priority).replace("{challenge}", state.challenge);
        link.textContent = "Roadmap template: " + optionText("priority") + " – " + optionText("challenge") + " (Word)";
      }
    }

    function optionText(name) {
      var field = form.elements[name];
      return field.options[field.selectedIndex].textContent;
    }

    function update() {
      loadData();
      var state = read();
      apply(state);
      toUrl(state);
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    form.addEventListener("reset", function () { setTimeout(update, 0); });  // after the fields are cleared
    window.addEventListener("hashchange", function () {
      if (location.hash.indexOf("=") < 0) { return; }
      write(fromUrl());
      apply(read());
    });

    // Load every example's data when a visitor reaches for the filters (or arrives with a filtered link).
    form.addEventListener("focusin", loadData);
    form.addEventListener("pointerenter", loadData);
    write(fromUrl());
    var initial = read();
    if (FIELDS.some(function (name) { return initial[name]; })) { loadData(); }
    apply(initial);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
