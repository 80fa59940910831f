/*
 * The in-browser modeler of the admin workflow page (web/admin/modeler.py): bpmn-js's Modeler on
 * the version's diagram, or dmn-js's Modeler on one of its DMN tables; "Kiểm tra" and
 * "Triển khai" post the edited XML and mark the deploy check's refusal (.modeler-error) and
 * warnings (.modeler-warning) on the diagram elements they name (a DMN table lists them).
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function start(root) {
    var isDmn = root.getAttribute("data-kind") === "dmn";
    var Modeler = isDmn ? window.DmnJS : window.BpmnJS;
    var modeler = new Modeler({ container: root.querySelector(".modeler-canvas") });

    function diagram() {
      // bpmn-js is one diagram; dmn-js has views, of which only the DRD is a diagram.
      var viewer = isDmn ? modeler.getActiveViewer() : modeler;
      try {
        return viewer && viewer.get("canvas") && viewer.get("overlays") ? viewer : null;
      } catch (missing) {
        return null;
      }
    }
    var report = document.getElementById("modeler-report");
    var marked = [];

    function say(cls, text) {
      var p = document.createElement("p");
      p.className = cls;
      p.textContent = text;
      report.appendChild(p);
      return p;
    }

    function clear() {
      var viewer = diagram();
      if (viewer) {
        marked.forEach(function (item) {
          viewer.get("canvas").removeMarker(item[0], item[1]);
        });
        viewer.get("overlays").remove({ type: "modeler-note" });
      }
      marked = [];
      report.textContent = "";
    }

    function mark(elementId, cls, text) {
      var viewer = diagram();
      if (!viewer || !elementId || !viewer.get("elementRegistry").get(elementId)) {
        return;
      }
      viewer.get("canvas").addMarker(elementId, cls);
      marked.push([elementId, cls]);
      var note = document.createElement("div");
      note.className = "modeler-note " + cls + "-note";
      note.textContent = text;
      viewer.get("overlays").add(elementId, "modeler-note", {
        position: { bottom: -4, left: 0 },
        html: note,
      });
    }

    function show(result) {
      clear();
      if (result.error) {
        say("form-errors", root.getAttribute("data-msg-error") + " " + result.error.text);
        mark(result.error.element, "modeler-error", result.error.problem);
      } else if (result.ok && !result.versions) {
        say("flash flash--success", root.getAttribute("data-msg-ok"));
      }
      var warnings = result.warnings || [];
      (result.versions || []).forEach(function (v) {
        warnings = warnings.concat(v.warnings || []);
      });
      if (warnings.length) {
        say("muted", root.getAttribute("data-msg-warnings"));
        var list = document.createElement("ul");
        list.className = "modeler-warnings";
        warnings.forEach(function (w) {
          var li = document.createElement("li");
          li.textContent = w.file + (w.element ? " · " + w.element : "") + ": " + w.message;
          list.appendChild(li);
          mark(w.element, "modeler-warning", w.message);
        });
        report.appendChild(list);
      }
    }

    function post(url) {
      return modeler
        .saveXML({ format: true })
        .then(function (saved) {
          return fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify({ xml: saved.xml, file: root.getAttribute("data-file") }),
          });
        })
        .then(function (response) {
          return response.json();
        });
    }

    document.getElementById("modeler-check").addEventListener("click", function () {
      post(root.getAttribute("data-check-url")).then(show);
    });
    document.getElementById("modeler-deploy").addEventListener("click", function () {
      post(root.getAttribute("data-deploy-url")).then(function (result) {
        show(result);
        if (result.ok && result.versions && result.versions.length) {
          say("flash flash--success", root.getAttribute("data-msg-deployed"));
          window.location.href = result.versions[0].url;
        }
      });
    });

    fetch(root.getAttribute("data-xml-url"), { credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (xml) {
        return modeler.importXML(xml);
      })
      .then(function () {
        var viewer = diagram();
        if (viewer && !isDmn) {
          viewer.get("canvas").zoom("fit-viewport");
        }
        root.setAttribute("data-modeler-ready", "1");
      })
      .catch(function () {
        say("form-errors", root.getAttribute("data-msg-load"));
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("modeler");
    if (root && (window.BpmnJS || window.DmnJS)) {
      start(root);
    }
  });
})();
