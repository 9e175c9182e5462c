// The query page: stored queries as examples, results drawn as a table whose
// IRIs link to the resource pages. Hand-written, no library; every value is
// put in the page with textContent, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  if (!form) return;
  var prefix = form.getAttribute("data-prefix") || "";
  var editor = document.getElementById("query");
  var picker = document.getElementById("examples");
  var format = document.getElementById("format");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var examples = {};
  JSON.parse(document.getElementById("example-data").textContent).forEach(function (ex) {
    examples[ex.name] = ex;
  });
  var ID = "https://w3id.org/peacekg/id/";
  var PEACEKG = "https://w3id.org/peacekg/ontology#";

  picker.addEventListener("change", function () {
    var ex = examples[picker.value];
    if (ex) {
      editor.value = ex.text;
      status.textContent = ex.description;
    }
  });

  function link(iri) {
    if (iri.indexOf(ID) === 0) return prefix + "/id/" + iri.slice(ID.length);
    if (iri.indexOf(PEACEKG) === 0) return prefix + "/ontology#" + iri.slice(PEACEKG.length);
    return iri;
  }

  function short(iri) {
    if (iri.indexOf(ID) === 0) return iri.slice(ID.length).replace("/", ":");
    if (iri.indexOf(PEACEKG) === 0) return "peacekg:" + iri.slice(PEACEKG.length);
    return iri;
  }

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function cell(term) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      var a = el("a", short(term.value));
      a.href = link(term.value);
      a.title = term.value;
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = typeof term.value === "string" ? term.value : JSON.stringify(term.value);
      if (/^\d{4}-\d{2}-\d{2}/.test(td.textContent)) td.className = "date";
      var lang = term["xml:lang"];
      if (lang && lang !== "en") td.appendChild(el("span", " @" + lang)).className = "note";
    }
    return td;
  }

  function showTable(data) {
    results.textContent = "";
    if (typeof data.boolean === "boolean") {
      results.appendChild(el("p", String(data.boolean))).className = "boolean";
      return "ASK: " + data.boolean;
    }
    var vars = data.head.vars, rows = data.results.bindings;
    results.appendChild(el("p", rows.length + (rows.length === 1 ? " row" : " rows"))).className = "muted";
    var table = el("table"), head = el("tr");
    table.className = "results";
    vars.forEach(function (v) { head.appendChild(el("th", v)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    rows.forEach(function (b) {
      var tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
      body.appendChild(tr);
    });
    results.appendChild(table);
    return rows.length + (rows.length === 1 ? " row" : " rows");
  }

  form.addEventListener("submit", function (event) {
    if (format.value !== "html") return; // let the browser download the raw format
    event.preventDefault();
    var started = Date.now();
    status.textContent = "Running…";
    results.textContent = "";
    fetch(prefix + "/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"
      },
      body: new URLSearchParams({ query: editor.value })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (text) {
        if (!response.ok) throw new Error(response.status + ": " + text);
        if (type.indexOf("json") >= 0) return showTable(JSON.parse(text));
        results.appendChild(el("pre", text));
        return "graph";
      });
    }).then(function (summary) {
      status.textContent = summary + " in " + (Date.now() - started) + " ms";
    }).catch(function (error) {
      status.textContent = "";
      var p = el("p", error.message);
      p.className = "error";
      p.id = "error";
      results.appendChild(p);
    });
  });
})();
