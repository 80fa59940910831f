"""The static assets exist, are pinned, and the base templates render safely without Flask."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader, Template

from engine.read.stats import STAGE_LABELS

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "web" / "static"
TEMPLATES = ROOT / "web" / "templates"
VENDOR = STATIC / "vendor"
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def stage_name(code: str | None) -> str:
    """Stand in for web.i18n.stage_name: the Vietnamese name of a stage, else the code."""
    return str(STAGE_LABELS.get(code or "", code or "—"))


def url_for(endpoint: str, **values: Any) -> str:
    """Stand in for Flask's url_for: static files by path, anything else by endpoint name."""
    if endpoint == "static":
        return "/static/" + values["filename"]
    return "/" + endpoint.replace(".", "/")


@pytest.fixture
def env() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    environment.globals.update(_=lambda text: text, url_for=url_for)
    # The app's filters (web/i18n.py), without a request: Vietnamese names, text as it is.
    environment.filters.update(tr=str, stage_name=stage_name)
    return environment


@pytest.fixture
def macros(env: Environment) -> Any:
    return env.get_template("_macros.html").module


def signed_in_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "current_user": SimpleNamespace(is_authenticated=True, full_name="Nguyễn Thị Ánh"),
        "nav_links": [
            {"key": "mine", "href": "/tasks/mine", "active": True},
            {"key": "group", "href": "/tasks/group"},
            {"key": "dossiers", "href": "/dossiers"},
            {"key": "dashboard", "href": "/dashboard"},
            {"key": "admin", "href": "/admin"},
        ],
        "nav_counts": {"mine": 3, "group": 12, "unread": 5},
        "notifications_href": "/notifications",
        "logout_href": "/logout",
        "csrf_token": lambda: "tok-123",
        "languages": [
            {"code": "vi", "label": "Tiếng Việt", "href": "?lang=vi", "active": True},
            {"code": "en", "label": "English", "href": "?lang=en"},
        ],
    }
    context.update(overrides)
    return context


def static_paths(html: str) -> set[str]:
    return set(re.findall(r'(?:href|src)="/static/([^"?#]+)', html))


def versions() -> dict[str, dict[str, Any]]:
    """Parse VERSIONS.txt into {package: {version, license, files: {path: sha256}}}."""
    packages: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] = {}
    for line in (VENDOR / "VERSIONS.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("  "):
            path, digest = line.split()
            current["files"][path] = digest.removeprefix("sha256=")
        else:
            name, version, license_ = line.split(" ", 2)
            current = {"version": version, "license": license_, "files": {}}
            packages[name] = current
    return packages


def test_every_static_file_base_html_loads_exists(env: Environment, macros: Any) -> None:
    html = env.get_template("base.html").render(signed_in_context())
    html += str(macros.bpmn_head()) + str(macros.bpmn_script())
    paths = static_paths(html)
    assert {"css/app.css", "js/app.js", "vendor/htmx.org/htmx.min.js"} <= paths
    for path in paths:
        assert (STATIC / path).is_file(), path


def test_css_urls_resolve() -> None:
    for css in STATIC.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if url.startswith("data:"):
                continue
            assert (css.parent / url.split("?")[0].split("#")[0]).is_file(), (css, url)


def test_versions_lists_each_vendored_package_with_version_and_license() -> None:
    listed = versions()
    on_disk = {p.name for p in VENDOR.iterdir() if p.is_dir()}
    assert set(listed) == on_disk
    for name, entry in listed.items():
        assert SEMVER.match(entry["version"]), name
        assert entry["license"].startswith("license="), name
        assert f"{name}/LICENSE" in entry["files"]


def test_vendored_files_match_their_recorded_hashes_and_nothing_else_is_vendored() -> None:
    recorded = {path for entry in versions().values() for path in entry["files"]}
    present = {
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and p.name != "VERSIONS.txt"
    }
    assert present == recorded
    for entry in versions().values():
        for path, digest in entry["files"].items():
            assert hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() == digest, path


def test_package_json_pins_exactly_the_vendored_versions() -> None:
    dependencies = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert all(SEMVER.match(version) for version in dependencies.values())
    assert {name: entry["version"] for name, entry in versions().items()} == dependencies
    assert dependencies["htmx.org"].startswith("2.")
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in dependencies.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_base_renders_for_an_anonymous_visitor_in_vietnamese(env: Environment) -> None:
    html = env.get_template("base.html").render()
    assert '<html lang="vi">' in html
    assert '<meta name="csrf-token" content="">' in html
    assert "nav-links" not in html
    assert "Đăng xuất" not in html
    assert "<title>TĐKT Flow</title>" in html


def test_base_shows_navigation_counts_bell_and_logout_for_a_signed_in_user(
    env: Environment,
) -> None:
    html = env.get_template("base.html").render(signed_in_context(lang="en"))
    assert '<html lang="en">' in html
    assert '<meta name="csrf-token" content="tok-123">' in html
    for label in ("Việc của tôi", "Việc của nhóm", "Hồ sơ", "Tổng hợp", "Quản trị"):
        assert label in html
    assert 'href="/tasks/mine" aria-current="page"' in html
    assert '<span class="nav-badge">3<' in html
    assert '<span class="nav-badge">12<' in html
    assert '<a class="nav-bell" href="/notifications">' in html
    assert '<span class="nav-badge" aria-hidden="true">5</span>' in html
    assert "Nguyễn Thị Ánh" in html
    logout = re.search(
        r'<form class="nav-logout" method="post" action="/logout">.*?</form>', html, re.S
    )
    assert logout
    assert 'name="csrf_token" value="tok-123"' in logout.group(0)
    assert 'hreflang="en"' in html


def test_base_explicit_nav_link_label_and_badge_win_and_zero_counts_hide(
    env: Environment,
) -> None:
    context = signed_in_context(
        nav_links=[
            {"label": "Hộp thư <b>", "href": "/x", "badge": 7},
            {"key": "mine", "href": "/m"},
        ],
        nav_counts={"mine": 0, "unread": 0},
    )
    html = env.get_template("base.html").render(context)
    assert "Hộp thư &lt;b&gt;" in html
    assert '<span class="nav-badge">7<' in html
    assert html.count('class="nav-badge"') == 1


def test_base_shows_flashed_messages_by_category(env: Environment) -> None:
    messages = [("error", "Không lưu được"), ("message", "Đã lưu <b>"), ("success", "Xong")]

    def get_flashed_messages(with_categories: bool = False) -> list[tuple[str, str]]:
        assert with_categories
        return messages

    html = env.get_template("base.html").render(get_flashed_messages=get_flashed_messages)
    assert 'class="flash flash--error" role="alert"' in html
    assert 'class="flash flash--info" role="status"' in html
    assert 'class="flash flash--success"' in html
    assert "Đã lưu &lt;b&gt;" in html


def test_child_template_fills_title_content_and_scripts(env: Environment) -> None:
    child: Template = env.from_string(
        '{% extends "base.html" %}{% import "_macros.html" as m %}'
        "{% block title %}Hồ sơ{% endblock %}"
        "{% block head %}{{ m.bpmn_head() }}{% endblock %}"
        '{% block content %}<h1>Hồ sơ</h1>{{ m.bpmn_diagram("/x.bpmn", state) }}{% endblock %}'
        "{% block scripts %}{{ m.bpmn_script() }}{% endblock %}"
    )
    html = child.render(state={"completed": ["A"], "current": ["B'<"], "heat": {"A": 2.5}})
    assert "<title>Hồ sơ · TĐKT Flow</title>" in html
    assert "vendor/bpmn-js/diagram-js.css" in html
    assert "bpmn-viewer.production.min.js" in html
    state = re.search(r'data-bpmn-state="([^"]*)"', html)
    assert state
    assert "<" not in state.group(1)
    assert json.loads(state.group(1).replace("&#34;", '"').replace("&#39;", "'")) == {
        "completed": ["A"],
        "current": ["B'<"],
        "heat": {"A": 2.5},
    }


@pytest.mark.parametrize(
    "kind", ["text", "textarea", "choice", "boolean", "integer", "date", "ballot"]
)
def test_form_field_renders_each_type_with_its_error_linked(macros: Any, kind: str) -> None:
    field = {
        "name": "ket_qua",
        "type": kind,
        "label": "Kết quả",
        "required": True,
        "choices": [{"value": "dong_y", "label": "Đồng ý"}, {"value": "khong", "label": "Không"}],
        "help": "Chọn một",
    }
    html = str(macros.form_field(field, "dong_y", "Trường này bắt buộc"))
    assert '<span class="field-error" id="f-ket_qua-error">Trường này bắt buộc</span>' in html
    assert 'aria-describedby="f-ket_qua-help f-ket_qua-error"' in html
    assert "has-error" in html
    assert " required" in html
    if kind == "ballot":
        assert html.count('type="radio"') == 2
        assert 'value="dong_y" checked' in html
    elif kind == "choice":
        assert 'value="dong_y" selected' in html
    elif kind == "boolean":
        assert 'type="checkbox"' in html
        assert " checked" in html
    else:
        assert 'for="f-ket_qua"' in html
        assert 'id="f-ket_qua"' in html


def test_form_field_without_error_has_no_error_markup(macros: Any) -> None:
    html = str(macros.form_field({"name": "so", "type": "integer", "label": "Số"}, 5, None))
    assert 'type="number"' in html
    assert 'value="5"' in html
    assert "field-error" not in html
    assert "aria-describedby" not in html
    assert "aria-invalid" not in html


def test_form_field_escapes_label_value_help_choices_and_error(macros: Any) -> None:
    evil = "<script>alert(1)</script>"
    field = {
        "name": "x",
        "type": "choice",
        "label": evil,
        "help": evil,
        "choices": [{"value": '"><script>', "label": evil}],
    }
    html = str(macros.form_field(field, evil, [evil]))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pagination_windows_pages_and_hides_for_one_page(macros: Any) -> None:
    page = {"number": 7, "pages": 20, "total": 400, "href": lambda n: f"?page={n}"}
    html = str(macros.pagination(page))
    assert '<span aria-current="page">7</span>' in html
    for shown in (1, 5, 9, 20):
        assert f'href="?page={shown}"' in html
    for hidden in (2, 3, 11, 19):
        assert f'href="?page={hidden}"' not in html
    assert html.count("…") == 2
    assert 'rel="prev"' in html
    assert 'rel="next"' in html
    assert str(macros.pagination({"number": 1, "pages": 1, "href": str})).strip() == ""


def test_badge_maps_known_stages_and_escapes_unknown_ones(macros: Any) -> None:
    assert 'class="badge badge--council" data-stage="council">Họp Hội đồng<' in str(
        macros.badge("council")
    )
    unknown = str(macros.badge("<i>new</i>"))
    assert "badge--neutral" in unknown
    assert "<i>" not in unknown


def test_an_ended_dossier_shows_how_it_ended_not_its_stage(macros: Any) -> None:
    class Ended:
        stage, status = "archived", "awarded"

    html = str(macros.dossier_badge(Ended()))
    assert 'class="badge badge--success" data-status="awarded">Đã khen thưởng<' in html


@pytest.mark.parametrize(
    ("state", "css", "note"),
    [
        ("overdue", "due--overdue", "Quá hạn"),
        ("soon", "due--soon", "Sắp đến hạn"),
        ("ok", "due--ok", ""),
    ],
)
def test_due_cell_marks_the_state_in_text_as_well_as_colour(
    macros: Any, state: str, css: str, note: str
) -> None:
    html = str(macros.due_cell("12/05/2025", state, iso="2025-05-12"))
    assert html.startswith(f'<td class="due {css}">')
    assert '<time datetime="2025-05-12">12/05/2025</time>' in html
    assert (note in html) if note else ("due-note" not in html)
    assert str(macros.due_row_class(state)).strip() == ("" if state == "ok" else f"is-{state}")


def test_style_guide_renders_every_component_from_existing_files(env: Environment) -> None:
    html = env.get_template("_design.html").render(
        signed_in_context(bpmn_demo_url="/demo.bpmn", bpmn_demo_state={"current": ["Task_1"]})
    )
    for css_class in ("flash--error", "btn--danger", "card--alert", "is-overdue", "pagination"):
        assert css_class in html
    assert 'data-bpmn-url="/demo.bpmn"' in html
    assert not re.search(r"\son[a-z]+=", html), "inline handlers break a strict CSP"
    for path in static_paths(html):
        assert (STATIC / path).is_file(), path


DEMO_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d" targetNamespace="t">
  <bpmn:process id="p"><bpmn:userTask id="Prepare" name="Chuẩn bị hồ sơ"/>
    <bpmn:userTask id="Review" name="Bình xét"/></bpmn:process>
  <bpmndi:BPMNDiagram id="dd"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
    <bpmndi:BPMNShape id="s1" bpmnElement="Prepare"><dc:Bounds x="100" y="80" width="100"
      height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s2" bpmnElement="Review"><dc:Bounds x="260" y="80" width="100"
      height="80"/></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


@pytest.mark.browser
def test_app_js_draws_markers_and_sends_csrf_in_chromium(env: Environment, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    chromium = Path("/usr/bin/chromium")
    assert chromium.exists(), "Debian's chromium is missing: `make test` installs it (make browser)"
    shutil.copytree(STATIC, tmp_path / "static")
    (tmp_path / "demo.bpmn").write_text(DEMO_BPMN, encoding="utf-8")
    page_html = env.from_string(
        '{% extends "base.html" %}{% import "_macros.html" as m %}'
        "{% block head %}{{ m.bpmn_head() }}{% endblock %}"
        '{% block content %}{{ m.bpmn_diagram("/demo.bpmn", state, heat_unit="ngày") }}'
        '<button id="go" hx-post="/go" hx-swap="none">go</button>'
        '<button id="no" data-confirm="?" hx-post="/no" hx-swap="none">no</button>{% endblock %}'
        "{% block scripts %}{{ m.bpmn_script() }}{% endblock %}"
    ).render(
        signed_in_context(
            state={
                "completed": ["Prepare", "Missing"],
                "current": ["Review"],
                "heat": {"Review": 4},
            }
        )
    )
    (tmp_path / "index.html").write_text(page_html, encoding="utf-8")
    posts: list[tuple[str, str | None]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.append((self.path, self.headers.get("X-CSRFToken")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium))
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
            page.wait_for_selector(".bpmn-heat-label")
            marked = "els => els.map(e => e.dataset.elementId)"
            assert page.eval_on_selector_all(".djs-element.bpmn-completed", marked) == ["Prepare"]
            assert page.eval_on_selector_all(".djs-element.bpmn-current", marked) == ["Review"]
            assert page.eval_on_selector_all(".djs-element.bpmn-heat-5", marked) == ["Review"]
            assert page.text_content(".bpmn-heat-label") == "4 ngày"
            assert page.is_visible(".bjs-powered-by")  # the bpmn-js licence requires it
            page.click("#go")
            page.once("dialog", lambda dialog: dialog.dismiss())
            page.click("#no")
            page.wait_for_timeout(300)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert posts == [("/go", "tok-123")]
    assert errors == []
