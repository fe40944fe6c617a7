/* The web toolkit's only script: filters the matrix and the example list that the page already holds.
 * It never builds markup from data (elements with textContent and attributes only).
 *
 * The filter state lives in the URL's query (?priority=green&q=...), on every page: each link to another
 * page of the site carries it, so a filtered view survives "Examples", an example page and the way back,
 * and a bookmark or a shared link opens the same view. The hash stays free for anchors (#examples).
 * Older links with the state in the hash (#priority=green) still work.
 * The page holds only the first examples of each cell and of the list (it stays light at thousands):
 * the first time the filters are used, assets/search-data.js (every example's id, name, country and
 * cells) is loaded with a <script> element (fetch() of a local file fails from file://), and from then
 * on search and filters also reach the examples the page does not show. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var FIELDS = ["q", "priority", "challenge", "function", "country", "recommendation"];
  // Letters that Unicode does not decompose into a base letter and an accent: strokes and ligatures.
  var LETTERS = { "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ı": "i",
                  "ħ": "h", "ŀ": "l", "ŧ": "t", "ŋ": "n", "ĸ": "k", "ſ": "s", "ƀ": "b", "ɨ": "i", "ƶ": "z",
                  "ɍ": "r", "ʉ": "u", "ǥ": "g", "ꝉ": "l" };
  var LETTER_RE = new RegExp("[" + Object.keys(LETTERS).join("") + "]", "g");

  // What a searcher means: case, accents, strokes and ligatures (Ł, Ø, Đ, ß, æ), every kind of dash and
  // apostrophe ignored, so "Lodz" finds "Łódź" and "e-commerce" finds "e–commerce".
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(LETTER_RE, function (c) { return LETTERS[c]; })
      .replace(/[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]/g, "-").replace(/\u00ad/g, "")
      .replace(/[\u2018\u2019\u201b\u02bc\u2032`]/g, "'")
      .replace(/\s+/g, " ").trim();
  }

  // The query string of a state: only the fields that are set, in a fixed order.
  function queryOf(state) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) { if (state[name]) { params.set(name, state[name]); } });
    return params.toString();
  }

  function stateFromUrl() {
    var raw = location.search.slice(1);
    if (location.hash.indexOf("=") >= 0) { raw = location.hash.slice(1); }  // an older link: #priority=green
    var params = new URLSearchParams(raw);
    var state = {};
    FIELDS.forEach(function (name) { state[name] = (params.get(name) || "").trim(); });
    return state;
  }

  // Every link to another page of the site carries the state; links that set their own filters
  // (?country=...), anchors on the same page, downloads and outside addresses are left as they are.
  function carry(query) {
    all(document, "a[href]").forEach(function (a) {
      if (!a.hasAttribute("data-href")) { a.setAttribute("data-href", a.getAttribute("href")); }
      var raw = a.getAttribute("data-href");
      if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.charAt(0) === "#" || /(^|\/)(downloads|assets)\//.test(raw)) { return; }
      var parts = raw.match(/^([^?#]*)(\?[^#]*)?(#.*)?$/);
      if (!parts || parts[2]) { return; }
      a.setAttribute("href", parts[1] + (query ? "?" + query : "") + (parts[3] || ""));
    });
  }

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  // What a search looks at: the action's text, the example's name and country and the country's other
  // names and codes (not labels like "Example:").
  function searchText(el) {
    var parts = all(el, "[data-search]");
    var text = (parts.length ? parts : [el]).map(function (p) { return p.textContent; }).join(" ");
    return fold(text + " " + (el.dataset.aliases || "").split("|").join(" "));
  }

  function init() {
    var form = document.getElementById("filters");
    if (!form) { carry(queryOf(stateFromUrl())); return; }  // every other page: keep the state in links
    var status = document.getElementById("status");
    var initialStatus = status.textContent;

    var cells = all(document, "[data-cell]").map(function (el) {
      return {
        el: el, priority: el.dataset.priority, challenge: el.dataset.challenge, function: el.dataset.function,
        recs: (el.dataset.recs || "").split(" ").filter(Boolean),
        items: all(el, "[data-item]").map(function (li) {
          return { el: li, text: searchText(li), country: li.dataset.country || "" };
        })
      };
    });
    var groups = all(document, "[data-group]");
    var list = document.getElementById("example-list");
    var limit = list ? parseInt(list.dataset.limit, 10) : 0;
    var examples = all(document, "[data-example]").map(function (li) {
      var words = function (name) { return (li.dataset[name] || "").split(" ").filter(Boolean); };
      return { el: li, text: searchText(li), country: li.dataset.country || "",
               cells: words("cells"), table5: words("table5"), recs: words("recs") };
    });
    var data = null;  // every example, once search-data.js is loaded: {examples: [...], byCell: {...}}

    function useData(raw) {
      var byCell = {};
      var rows = raw.examples.map(function (r) {
        var ex = { id: r[0], name: r[1], country: r[2], cells: r[3], table5: r[4] || [], recs: r[5] || [],
                   text: fold(r[1] + " " + r[2] + " " + (r[6] || []).join(" ")), link: r[7] || "", el: null };
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
        if (!ex.cells.length) { li.setAttribute("data-table5-only", ""); }
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
        if (ex.link) {  // shown only when printed
          var printed = document.createElement("span");
          printed.className = "print-url";
          printed.textContent = ex.link;
          li.appendChild(printed);
        }
        if (!ex.cells.length) {
          var source = document.createElement("span");
          source.className = "ex-source";
          source.textContent = "Cited only in Table 5 (recommendations)";
          li.appendChild(source);
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

    function toUrl(state) {
      var query = queryOf(state);
      var anchor = location.hash.indexOf("=") >= 0 ? "" : location.hash;
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + anchor);
      carry(query);
      printHeader(state);
    }

    // What a printed or saved filtered view says about itself: the filters and the address to get back.
    function printHeader(state) {
      var box = document.getElementById("print-filters");
      if (!box) { return; }
      var names = { q: "Search", priority: "Thematic priority", challenge: "Strategic challenge",
                    "function": "Cluster function", country: "Country", recommendation: "Recommendation" };
      var parts = FIELDS.filter(function (name) { return state[name]; }).map(function (name) {
        var field = form.elements[name];
        var value = field.tagName === "SELECT" ? field.options[field.selectedIndex].textContent : "“" + state[name] + "”";
        return names[name] + ": " + value;
      });
      box.querySelector(".print-filters-what").textContent =
        parts.length ? "Filtered view. " + parts.join(" · ") + "." : "All policy actions and examples (no filter).";
      box.querySelector(".print-filters-url").textContent = location.href;
    }

    function cellMatches(state, cell) {
      return (!state.priority || cell.priority === state.priority) &&
             (!state.challenge || cell.challenge === state.challenge) &&
             (!state.function || cell.function === state.function);
    }

    // Table 5 places an example under a recommendation (whose area is a thematic priority) and a cluster
    // function, never under a challenge: it answers priority and function filters, not a challenge one.
    function table5Matches(state, pair) {
      var part = pair.split("/");
      return !state.challenge && (!state.priority || part[0] === state.priority) &&
             (!state.function || part[1] === state.function);
    }

    function inCells(state, ex) {
      return ex.cells.some(function (key) {
        var part = key.split("/");
        return cellMatches(state, { priority: part[0], challenge: part[1], "function": part[2] });
      });
    }

    // How the filters reach an example: "cells" (Tables 2-4), "table5" (only through Table 5) or "".
    function reach(state, ex) {
      var byCell = state.priority || state.challenge || state.function;
      var viaCells = ex.cells.length > 0 && (!byCell || inCells(state, ex));
      var viaTable5 = !byCell ? ex.table5.length > 0 : ex.table5.some(function (p) { return table5Matches(state, p); });
      return viaCells ? "cells" : viaTable5 ? "table5" : "";
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
        var recOk = !state.recommendation || cell.recs.indexOf(state.recommendation) >= 0;
        var show = cellMatches(state, cell) && recOk && countryOk && textOk;
        cell.el.hidden = !show;
        if (show) { shownCells += 1; hitItems += hits; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-cell]:not([hidden])");
      });
      document.getElementById("no-cells").hidden = shownCells > 0;

      var shownExamples = 0, fromTable5 = 0;
      function exampleMatches(ex) {
        return reach(state, ex) !== "" &&
               (!state.recommendation || ex.recs.indexOf(state.recommendation) >= 0) &&
               (!state.country || ex.country === state.country) &&
               (!terms.length || textMatches(terms, ex.text));
      }
      function countTable5(ex) { if (reach(state, ex) === "table5") { fromTable5 += 1; } }
      var totalExamples = list ? parseInt(list.dataset.total, 10) : examples.length;
      if (data) {  // every example: list the first `limit` matches, count the rest
        var matches = data.examples.filter(exampleMatches);
        shownExamples = matches.length;
        matches.forEach(countTable5);
        var fragment = document.createDocumentFragment();
        matches.slice(0, limit).forEach(function (ex) { fragment.appendChild(exampleItem(ex)); });
        list.textContent = "";
        list.appendChild(fragment);
        examples = matches.slice(0, limit).map(function (ex) { return { el: ex.el }; });
      } else {
        examples.forEach(function (ex) {
          var show = exampleMatches(ex);
          ex.el.hidden = !show;
          if (show) { shownExamples += 1; countTable5(ex); }
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
      var table5Note = fromTable5 ? " " + fromTable5 + (fromTable5 === 1 ? " of them is" : " of them are") +
        " cited only in Table 5: reached through its recommendation's area and cluster function." : "";
      examplesStatus.textContent = shownExamples === totalExamples ? examplesStatus.dataset.all
        : shownExamples + " of " + totalExamples + " examples match the filters." + table5Note;

      var active = FIELDS.some(function (name) { return state[name]; });
      if (!active) {
        status.textContent = initialStatus;
      } else {
        status.textContent = "Showing " + shownCells + " of " + cells.length + " cells and " + shownExamples +
          " of " + totalExamples + " examples" + (fromTable5 ? " (" + fromTable5 + " from Table 5 only)" : "") + "." +
          (narrowing && hitItems ? " Matches are highlighted." : "");
      }
      roadmap(state);
      carry(queryOf(state));  // list items made from the search data get the state too
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
      write(stateFromUrl());
      update();
    });

    // Load every example's data when a visitor reaches for the filters (or arrives with a filtered link).
    form.addEventListener("focusin", loadData);
    form.addEventListener("pointerenter", loadData);
    write(stateFromUrl());
    var initial = read();
    if (FIELDS.some(function (name) { return initial[name]; })) { loadData(); }
    apply(initial);
    toUrl(initial);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
