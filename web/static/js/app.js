/*
 * TĐKT Flow — progressive enhancement. Every page works without it; it adds:
 *  - the CSRF header on htmx requests (token from <meta name="csrf-token">),
 *  - confirm dialogs for elements and forms carrying data-confirm="…",
 *  - dismiss buttons on flash messages, print buttons (data-print),
 *  - the filter bar folded behind its toggle on a phone,
 *  - renderBpmn(): a bpmn-js diagram with completed/current markers and a heat overlay,
 *    also started declaratively from <div data-bpmn-url="…" data-bpmn-state='{…}'>.
 */
(function () {
  "use strict";

  var SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];
  var HEAT_LEVELS = 5;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Flask-WTF's CSRFProtect reads X-CSRFToken by default.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    var verb = String(event.detail.verb || "").toUpperCase();
    if (token && SAFE_METHODS.indexOf(verb) === -1) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // Capture phase, so a refusal also stops htmx handlers on the same element.
  document.addEventListener(
    "click",
    function (event) {
      var target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
      if (!target || target.tagName === "FORM") {
        return;
      }
      if (!window.confirm(target.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
          event.stopImmediatePropagation();
        }
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) {
      return;
    }
    var dismiss = event.target.closest(".flash-dismiss");
    var flash = dismiss ? dismiss.closest(".flash") : null;
    if (flash) {
      flash.remove();
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  function resolveContainer(container) {
    var element = typeof container === "string" ? document.querySelector(container) : container;
    if (!element) {
      throw new Error("renderBpmn: no container " + container);
    }
    return element;
  }

  function heatLevel(value, max) {
    if (!(value > 0) || !(max > 0)) {
      return 0;
    }
    return Math.min(HEAT_LEVELS, Math.max(1, Math.ceil((value / max) * HEAT_LEVELS)));
  }

  function defaultHeatLabel(value) {
    return Number(value).toLocaleString(document.documentElement.lang || "vi", {
      maximumFractionDigits: 1,
    });
  }

  function showError(element, error) {
    element.classList.add("is-error");
    element.setAttribute("role", "alert");
    element.textContent =
      element.getAttribute("data-bpmn-error") || "Không hiển thị được sơ đồ quy trình.";
    if (window.console) {
      window.console.error(error);
    }
  }

  /**
   * Let people read a large diagram: the zoom buttons just before the canvas (.bpmn-tools,
   * shown once the diagram is drawn), dragging with the mouse and the arrow keys (and + / -)
   * on the focused canvas move and zoom it.
   */
  function enableNavigation(element, canvas) {
    var STEP = 1.25;
    var PAN = 80;
    function zoomBy(factor) {
      var box = canvas.viewbox();
      canvas.zoom(canvas.zoom() * factor, {
        x: box.x + box.width / 2,
        y: box.y + box.height / 2,
      });
    }
    var tools = element.previousElementSibling;
    if (tools && tools.classList.contains("bpmn-tools")) {
      tools.hidden = false;
      tools.addEventListener("click", function (event) {
        var button = event.target instanceof Element ? event.target.closest("[data-bpmn-zoom]") : null;
        if (!button) {
          return;
        }
        var how = button.getAttribute("data-bpmn-zoom");
        if (how === "fit") {
          canvas.zoom("fit-viewport", "auto");
        } else {
          zoomBy(how === "in" ? STEP : 1 / STEP);
        }
      });
    }
    element.addEventListener("keydown", function (event) {
      var moves = { ArrowLeft: [PAN, 0], ArrowRight: [-PAN, 0], ArrowUp: [0, PAN], ArrowDown: [0, -PAN] };
      if (moves[event.key]) {
        canvas.scroll({ dx: moves[event.key][0], dy: moves[event.key][1] });
      } else if (event.key === "+" || event.key === "=") {
        zoomBy(STEP);
      } else if (event.key === "-") {
        zoomBy(1 / STEP);
      } else {
        return;
      }
      event.preventDefault();
    });
    var last = null;
    element.addEventListener("pointerdown", function (event) {
      last = { x: event.clientX, y: event.clientY };
      element.style.cursor = "grabbing";
    });
    window.addEventListener("pointermove", function (event) {
      if (last) {
        canvas.scroll({ dx: event.clientX - last.x, dy: event.clientY - last.y });
        last = { x: event.clientX, y: event.clientY };
      }
    });
    window.addEventListener("pointerup", function () {
      last = null;
      element.style.cursor = "";
    });
  }

  // Tables wider than their box scroll sideways: a keyboard user must reach them too.
  function focusableScrollers(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll(".table-wrap"), function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1 && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("role", "region");
        wrap.setAttribute(
          "aria-label",
          (caption && caption.textContent.trim()) || document.title
        );
      }
    });
  }

  /**
   * Draw the BPMN diagram at xmlUrl into container (an element or a selector).
   *
   * state.completed / state.current: element ids to mark green / blue.
   * state.heat: {elementId: number}; shapes get .bpmn-heat-1 … -5 relative to the largest
   *   value (or state.heatMax) and a badge with the value (state.heatLabel(value) formats it).
   * Ids missing from the diagram are ignored, so state from an older spec version is harmless.
   * Resolves to the bpmn-js viewer; on failure the container shows an error and it rejects.
   */
  function renderBpmn(container, xmlUrl, state) {
    state = state || {};
    var element;
    try {
      element = resolveContainer(container);
    } catch (error) {
      return Promise.reject(error);
    }
    if (typeof window.BpmnJS !== "function") {
      var missing = new Error("renderBpmn: load vendor/bpmn-js/bpmn-viewer.production.min.js");
      showError(element, missing);
      return Promise.reject(missing);
    }
    element.classList.remove("is-error");
    element.setAttribute("aria-busy", "true");
    var viewer = new window.BpmnJS({ container: element });

    return fetch(xmlUrl, { credentials: "same-origin", headers: { Accept: "application/xml" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("renderBpmn: " + xmlUrl + " answered " + response.status);
        }
        return response.text();
      })
      .then(function (xml) {
        return viewer.importXML(xml);
      })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        var overlays = viewer.get("overlays");
        var known = function (id) {
          return Boolean(registry.get(id));
        };

        (state.completed || []).filter(known).forEach(function (id) {
          canvas.addMarker(id, "bpmn-completed");
        });
        (state.current || []).filter(known).forEach(function (id) {
          canvas.addMarker(id, "bpmn-current");
        });

        var heat = state.heat || {};
        var ids = Object.keys(heat).filter(known);
        var max =
          state.heatMax ||
          ids.reduce(function (acc, id) {
            return Math.max(acc, Number(heat[id]) || 0);
          }, 0);
        var label = state.heatLabel || defaultHeatLabel;
        ids.forEach(function (id) {
          var value = Number(heat[id]) || 0;
          var level = heatLevel(value, max);
          if (level) {
            canvas.addMarker(id, "bpmn-heat-" + level);
          }
          var badge = document.createElement("span");
          badge.className = "bpmn-heat-label";
          badge.textContent = label(value);
          overlays.add(id, "bpmn-heat", { position: { top: -10, right: 10 }, html: badge });
        });

        canvas.zoom("fit-viewport", "auto");
        enableNavigation(element, canvas);
        element.removeAttribute("aria-busy");
        return viewer;
      })
      .catch(function (error) {
        element.removeAttribute("aria-busy");
        viewer.destroy();
        showError(element, error);
        throw error;
      });
  }

  // Declarative start: <div class="bpmn-canvas" data-bpmn-url="…" data-bpmn-state='{{ s|tojson }}'>
  function startDiagrams(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var nodes = Array.prototype.slice.call(scope.querySelectorAll("[data-bpmn-url]"));
    if (scope.matches && scope.matches("[data-bpmn-url]")) {
      nodes.push(scope);
    }
    nodes.forEach(function (node) {
      if (node.getAttribute("data-bpmn-started")) {
        return;
      }
      node.setAttribute("data-bpmn-started", "1");
      var state = {};
      try {
        state = JSON.parse(node.getAttribute("data-bpmn-state") || "{}");
      } catch (error) {
        showError(node, error);
        return;
      }
      var unit = node.getAttribute("data-bpmn-heat-unit");
      if (unit) {
        state.heatLabel = function (value) {
          return defaultHeatLabel(value) + " " + unit;
        };
      }
      renderBpmn(node, node.getAttribute("data-bpmn-url"), state).catch(function () {
        // showError already told the user.
      });
    });
  }

  // The filter bar (_filters.html) is open as served. On a phone it folds behind its "Bộ lọc"
  // toggle unless a filter is active, so the first task shows on the first screen; on a wider
  // screen (the toggle hidden by the stylesheet) it is always open.
  var PHONE = window.matchMedia ? window.matchMedia("(max-width: 40rem)") : null;

  function foldFilterBars() {
    var narrow = PHONE !== null && PHONE.matches;
    document.querySelectorAll("details.filter-bar").forEach(function (bar) {
      var active = Number(bar.getAttribute("data-active-filters") || "0") > 0;
      bar.open = !narrow || active;
    });
  }

  if (PHONE !== null && PHONE.addEventListener) {
    PHONE.addEventListener("change", foldFilterBars);
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldFilterBars();
    startDiagrams(document);
    focusableScrollers(document);
  });
  window.addEventListener("resize", function () {
    focusableScrollers(document);
  });
  document.addEventListener("htmx:load", function (event) {
    startDiagrams(event.target);
  });

  window.renderBpmn = renderBpmn;
  window.TDKT = { renderBpmn: renderBpmn, csrfToken: csrfToken };
})();
