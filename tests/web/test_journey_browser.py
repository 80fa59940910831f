"""Issue 15: a dossier from filing to the director's decision in Debian's chromium, every step
clicked as a person would, without touching the database: a return whose reason the clerk
sees, the re-submission, completeness, the posting period ending by its timer (the only thing
the test does besides clicking: it moves the clock and runs the timer sweep, as the beat does),
a council session with one member marked absent by name and their written ballot, the
director's decision, and the Quyết định, Tờ trình and Danh sách made on the documents page,
downloaded through the browser and read back for exactly the dossiers they are about.

Then every person switches the interface to English (the language links in the header) and a
second dossier goes through every step again; each page shown in English must hold no message
of the Vietnamese catalogue and no internal code (tests/web/page_text.py, the checker of
tests/web/test_languages.py); in Vietnamese, no internal code. Screenshots go to
test-artifacts/journey-*.png.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from engine.demo import COUNCIL, DEMO_ACCOUNTS
from engine.workflow import operations
from tests.common.procedure import START, Procedure
from tests.documents.test_documents import docx_table_rows, docx_text
from tests.web.live_server import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Roles,
    live_server,
    ticking_world,
)
from tests.web.page_text import PO, Leak, data_texts, page_leaks

__all__ = ["ticking_world"]

NAMES = {a.username: a.full_name for a in DEMO_ACCOUNTS}
CLERK, HEAD, SECRETARIAT, DIRECTOR = "vanthu.qlkh", "truongphong.qlkh", "thuky", "giamdoc"
ADMIN = "admin"
#: The title the province decides that the English pass carries beside its director's title: the
#: council sends it on "for the province", so it is in the Tờ trình and not in the Quyết định.
PROVINCE_TITLE = "BKT"


@cache
def _english() -> dict[str, str]:
    """The catalogue's English for each Vietnamese message."""
    with PO.open("rb") as handle:
        return {
            m.id: m.string
            for m in read_po(handle)
            if isinstance(m.id, str) and isinstance(m.string, str) and m.string
        }


@dataclass
class Pass:
    """One run of the journey: its language, its dossier's nominee and what is typed."""

    lang: str
    nominee: str
    absent: str
    posting_ends: datetime  # where the clock is moved for the posting's timer
    meeting: date
    decided: date
    achievements: str
    report: str
    reason: str
    minutes_note: str
    place: str
    #: The nominee of a second dossier, of a title the province decides (None: no such dossier;
    #: "": the next other person of the clerk's unit, chosen on the filing page).
    for_province: str | None = None
    override_reason: str = ""
    data: frozenset[str] = frozenset()
    leaks: dict[str, set[Leak]] = field(default_factory=dict)
    pages: int = 0

    def say(self, message: str, **params: Any) -> str:
        """Return an interface message as this pass's pages show it."""
        if self.lang == "en":
            assert message in _english(), f"no English for «{message}»"
            message = _english()[message]
        return message % params if params else message

    def look(self, page: Any, name: str) -> None:
        """Check the page now shown (catalogue Vietnamese in English, codes in both) and keep
        a screenshot of it."""
        page.wait_for_load_state()
        self.pages += 1
        found = page_leaks(page, self.data, english=self.lang == "en")
        if found:
            self.leaks[f"{self.lang} {name} {page.url}"] = found
        shot = ARTIFACTS / f"journey-{self.lang}-{self.pages:02d}-{name}.png"
        page.screenshot(path=str(shot), full_page=True)


VIETNAMESE = Pass(
    lang="vi",
    nominee="Lục Thu Hà",
    absent=COUNCIL[-1][0],
    posting_ends=START + timedelta(days=30),
    meeting=date(2026, 12, 28),
    decided=date(2026, 12, 30),
    achievements="Hoàn thành xuất sắc nhiệm vụ năm 2026.",
    report="Báo cáo thành tích năm 2026",
    reason="Thiếu biên bản họp bình xét và bảng tổng hợp phiếu của đơn vị",
    minutes_note="Biên bản họp bình xét số 05/BB-QLKH",
    place="Phòng họp Sở",
)
ENGLISH = Pass(
    lang="en",
    nominee="",  # the first other person of the clerk's unit, chosen on the filing page
    absent=COUNCIL[-2][0],
    posting_ends=START + timedelta(days=44),
    meeting=date(2027, 1, 8),
    decided=date(2027, 1, 11),
    achievements="Completed every task of 2026 ahead of schedule.",
    report="Achievement report 2026",
    reason="The unit's review minutes and ballot tally are missing",
    minutes_note="Review minutes no. 06/BB-QLKH",
    place="Meeting room of the Department",
    for_province="",
    override_reason="Recognised by the Department's initiative council in 2026",
)


def _claim_and_open(page: Any, run: Pass, text: str) -> None:
    """Claim the first group task whose row shows ``text`` and open it, in one click."""
    page.click(f"a.nav-link:has-text('{run.say('Việc của nhóm')}')")
    run.look(page, "group-inbox")
    row = page.locator("#inbox tbody tr", has_text=text).first
    row.locator(f"button:has-text('{run.say('Nhận và xử lý')}')").click()


def _xlsx_listed(content: bytes) -> tuple[list[str], str]:
    """The names listed in a Danh sách workbook and its total line."""
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [str(v[1]) for v in values[3:] if isinstance(v[0], int)], str(values[-1][1])


def _documents(
    page: Any,
    run: Pass,
    world: Procedure,
    awarded: list[str],
    tmp: Path,
    for_province: tuple[str, ...] = (),
) -> None:
    """Make the draft Quyết định, the Tờ trình and the session's Danh sách on the documents
    page, download each and check it holds exactly the dossiers it is about: the director's
    decision every awarded dossier of the campaign, the Tờ trình to the province the dossiers
    the council sent on for the province (``for_province``; with none it is refused, nothing to
    download), its Danh sách their names, the list of this pass's council session that
    session's dossiers alone."""
    from playwright.sync_api import expect

    page.click("a.nav-link[href^='/dashboard']")
    run.look(page, "dashboard")
    page.click(f"main a.btn:has-text('{run.say('Văn bản')}')")
    expect(page.locator("h1")).to_have_text(run.say("Văn bản khen thưởng"))
    run.look(page, "documents")

    def download(kind: str, scope: str, name: str, **more: str) -> bytes:
        page.select_option("#f-kind", kind)
        page.select_option("#f-scope", scope)
        page.select_option("#f-campaign", str(world.campaign_id))
        if "council" in more:
            page.select_option("#f-council", label=more["council"])
        page.fill("#f-number", more.get("number", ""))
        with page.expect_download() as started:
            page.click(f"button:has-text('{run.say('Tạo văn bản')}')")
        path = tmp / f"{run.lang}-{name}"
        started.value.save_as(path)
        return path.read_bytes()

    decision = download("decision", "director", "quyet-dinh.docx", number="121/QĐ-SKHCN")
    text = docx_text(decision)
    assert "Số: 121/QĐ-SKHCN" in text
    assert "QĐ-SKHCN/QĐ-SKHCN" not in text
    assert f"Điều 1. Công nhận / tặng thưởng cho 0 tập thể và {len(awarded)} cá nhân" in text
    assert sorted(r[1] for r in docx_table_rows(decision, "STT")) == sorted(awarded)

    if for_province:
        # The Tờ trình to the Chủ tịch UBND tỉnh counts the province's dossiers alone (it names
        # nobody: its Danh sách for the province does).
        submission = docx_text(download("submission", "province", "to-trinh.docx", number="7"))
        assert "Số: 7/TTr-SKHCN" in submission
        assert f"khen thưởng cho 0 tập thể và {len(for_province)} cá nhân" in submission
        assert f"- Bằng khen của Chủ tịch UBND tỉnh: {len(for_province)} cá nhân;" in submission
        assert "Lao động tiên tiến" not in submission
        listed, total = _xlsx_listed(
            download("nominee_list_xlsx", "province", "danh-sach-tinh.xlsx")
        )
        assert sorted(listed) == sorted(for_province)
        assert total == f"Tổng cộng: 0 tập thể, {len(for_province)} cá nhân"
        session_names = [run.nominee, *for_province]
    else:
        _no_submission(page, run, world)
        session_names = [run.nominee]

    day = run.meeting.strftime("%d/%m/%Y")
    listed, total = _xlsx_listed(
        download("nominee_list_xlsx", "session", "danh-sach.xlsx", council=day)
    )
    assert sorted(listed) == sorted(session_names)
    assert total == f"Tổng cộng: 0 tập thể, {len(session_names)} cá nhân"
    run.look(page, "documents-made")


def _no_submission(page: Any, run: Pass, world: Procedure) -> None:
    """The campaign's dossiers are all the director's: the Tờ trình to the Chủ tịch UBND tỉnh
    has none of them; it is refused with a message and nothing is downloaded."""
    from playwright.sync_api import expect

    page.select_option("#f-kind", "submission")
    page.select_option("#f-scope", "province")
    page.select_option("#f-campaign", str(world.campaign_id))
    page.fill("#f-number", "7/TTr-SKHCN")
    page.click(f"button:has-text('{run.say('Tạo văn bản')}')")
    expect(page.locator(".flash--error")).to_contain_text(
        run.say(
            "Chưa có hồ sơ nào thuộc văn bản này (hồ sơ đã qua Hội đồng, đúng cấp quyết định, "
            "hoặc của phiên họp đã chọn)."
        )
    )
    run.look(page, "no-submission")


def _for_province(person: Any, run: Pass) -> str:
    """File a second dossier of the clerk's unit for a title the province decides and bring it
    to the council beside the first: no demo nominee meets its criteria, so the administrator
    lets it on (with a reason, on its page) before the clerk prepares it; the head approves it,
    the secretariat accepts it. Return its id."""
    from playwright.sync_api import expect

    say = run.say
    clerk, head, secretariat = person(CLERK), person(HEAD), person(SECRETARIAT)
    clerk.click(f"a.nav-link:has-text('{say('Hồ sơ')}')")
    clerk.click("#file-dossier")
    clerk.select_option("#f-title_code", PROVINCE_TITLE)
    people = clerk.locator("#f-nominee option[value^='user:']")
    if not run.for_province:
        taken = {VIETNAMESE.nominee, run.nominee}
        run.for_province = next(
            n for n in (p.split(" — ")[0] for p in people.all_inner_texts()) if n not in taken
        )
        run.data = run.data | {run.for_province}
    nominee = people.filter(has_text=run.for_province).first
    clerk.select_option("#f-nominee", nominee.get_attribute("value"))
    clerk.fill("#f-achievements", run.achievements)
    clerk.click(f"button:has-text('{say('Lập hồ sơ')}')")
    expect(clerk.locator("#nominee-name")).to_have_text(run.for_province)
    url = clerk.url
    admin = person(ADMIN)
    admin.goto(url)
    admin.fill("#override-reason", run.override_reason)
    admin.click(f"#override-form button:has-text('{say('Cho phép ngoại lệ')}')")
    expect(admin.locator(".flash--success")).to_contain_text(
        say("Đã cho phép ngoại lệ; hồ sơ được xét tiếp.")
    )
    run.look(admin, "province-override")
    clerk.goto(url)
    clerk.click(f"a.btn:has-text('{say('Xử lý')}')")
    clerk.fill("#f-achievement_report", run.report)
    clerk.click(f"button:has-text('{say('Hoàn thành')}')")
    expect(clerk.locator(".flash--success")).to_be_visible()
    _claim_and_open(head, run, run.for_province)
    head.select_option("#f-unit_decision", "approve")
    head.fill("#f-unit_minutes_no", "07/BB-QLKH")
    head.click(f"button:has-text('{say('Hoàn thành')}')")
    expect(head.locator(".flash--success")).to_be_visible()
    _claim_and_open(secretariat, run, run.for_province)
    secretariat.select_option("#f-completeness_decision", "accept")
    secretariat.click(f"button:has-text('{say('Hoàn thành')}')")
    expect(secretariat.locator(".flash--success")).to_be_visible()
    return url.rsplit("/", 1)[1]


def _journey(roles: Roles, pages: dict[str, Any], run: Pass, world: Procedure) -> str:
    """Drive one dossier from filing to the director's decision; return its page's URL."""
    from playwright.sync_api import expect

    say = run.say

    def person(username: str) -> Any:
        if username not in pages:
            # A person who picked English before (in this pass) is shown it at once.
            page = roles.login(username, home=re.compile(f"^{say('Việc của tôi')}$|^Việc của tôi$"))
            if run.lang == "en" and page.locator("html").get_attribute("lang") != "en":
                page.click(".lang-switch a[hreflang=en]")
                expect(page.locator("html")).to_have_attribute("lang", "en")
            pages[username] = page
        return pages[username]

    def done(page: Any) -> None:
        expect(page.locator(".flash--success")).to_be_visible()

    # The clerk files and prepares the dossier.
    clerk = person(CLERK)
    clerk.click(f"a.nav-link:has-text('{say('Hồ sơ')}')")
    run.look(clerk, "dossiers")
    clerk.click("#file-dossier")
    run.look(clerk, "file")
    clerk.select_option("#f-title_code", "LDTT")
    if not run.nominee:
        people = clerk.locator("#f-nominee option[value^='user:']").all_inner_texts()
        run.nominee = next(
            n for n in (p.split(" — ")[0] for p in people) if n != VIETNAMESE.nominee
        )
        run.data = run.data | {run.nominee}
    nominee = clerk.locator("#f-nominee option", has_text=run.nominee).first
    clerk.select_option("#f-nominee", nominee.get_attribute("value"))
    clerk.fill("#f-achievements", run.achievements)
    clerk.click(f"button:has-text('{say('Lập hồ sơ')}')")
    expect(clerk.locator("#nominee-name")).to_have_text(run.nominee)
    run.look(clerk, "filed")
    dossier_url = clerk.url
    dossier_id = clerk.url.rsplit("/", 1)[1]
    clerk.click(f"a.btn:has-text('{say('Xử lý')}')")
    run.look(clerk, "prepare")
    clerk.fill("#f-achievement_report", run.report)
    clerk.click(f"button:has-text('{say('Hoàn thành')}')")
    expect(clerk.locator(".flash--success")).to_contain_text(
        say("Đã hoàn thành: %(name)s.", name=say("Chuẩn bị hồ sơ đề nghị"))
    )
    run.look(clerk, "prepared")

    # The unit head claims it from the group inbox in one click and returns it.
    head = person(HEAD)
    _claim_and_open(head, run, run.nominee)
    expect(head.locator("h1")).to_have_text(say("Bình xét tại đơn vị"))
    run.look(head, "unit-review")
    head.select_option("#f-unit_decision", "return")
    head.fill("#f-unit_reason", run.reason)
    head.click(f"button:has-text('{say('Hoàn thành')}')")
    done(head)
    run.look(head, "returned")

    # The clerk sees who returned it, when and why, with the form as sent before.
    _claim_and_open(clerk, run, run.nominee)
    notice = clerk.locator("#returned-notice")
    expect(notice).to_contain_text(NAMES[HEAD])
    expect(notice).to_contain_text(say("Bình xét tại đơn vị"))
    expect(clerk.locator("#returned-reason")).to_have_text(run.reason)
    expect(clerk.locator("#f-achievement_report")).to_have_value(run.report)
    expect(clerk.locator("#story")).to_contain_text(run.reason)
    run.look(clerk, "returned-task")
    clerk.fill("#f-attachments_note", run.minutes_note)
    clerk.click(f"button:has-text('{say('Hoàn thành')}')")
    done(clerk)
    # The "returned" notice names the dossier.
    clerk.click("a.nav-bell")
    run.look(clerk, "notifications")
    returned = clerk.locator("tr", has_text=say("Trả lại hồ sơ")).first
    expect(returned).to_contain_text(f"(#{dossier_id})")

    # The head approves this time, the decision and its reason made afresh.
    _claim_and_open(head, run, run.nominee)
    expect(head.locator("#story")).to_contain_text(say("Trả lại để bổ sung, chỉnh sửa"))
    expect(head.locator("#f-unit_decision")).to_have_value("")
    expect(head.locator("#f-unit_reason")).to_have_value("")
    run.look(head, "unit-review-again")
    head.select_option("#f-unit_decision", "approve")
    head.fill("#f-unit_minutes_no", "05/BB-QLKH")
    head.click(f"button:has-text('{say('Hoàn thành')}')")
    done(head)

    # The secretariat accepts it and is offered the posting at once: a period, not a form.
    secretariat = person(SECRETARIAT)
    _claim_and_open(secretariat, run, run.nominee)
    expect(secretariat.locator("h1")).to_have_text(say("Thẩm định hồ sơ"))
    run.look(secretariat, "completeness")
    secretariat.select_option("#f-completeness_decision", "accept")
    secretariat.click(f"button:has-text('{say('Hoàn thành')}')")
    offer = secretariat.locator("#following [data-next-task]")
    expect(offer).to_contain_text(f"— #{dossier_id}")
    run.look(secretariat, "following")
    offer.click()
    ends = secretariat.locator("#period")
    expect(ends).to_contain_text(say("Đang công khai đến hết ngày %(day)s", day="").strip())
    expect(secretariat.locator(f"button:has-text('{say('Hoàn thành')}')")).to_have_count(0)
    run.look(secretariat, "posting-period")

    ids = [dossier_id]
    if run.for_province is not None:
        ids.append(_for_province(person, run))

    # The posting period passes: the beat's timer sweep ends it (each dossier's).
    world.clock.move_to(run.posting_ends)
    assert operations.fire_due_timers(world.factory, datetime.now(UTC)) == len(ids)

    # The secretariat opens a council session; the opening lists dossiers and members.
    day = run.meeting.strftime("%d/%m/%Y")
    secretariat.click(f"a.nav-link:has-text('{say('Phiên họp Hội đồng')}')")
    expect(secretariat.locator("#council-dossiers tbody tr")).to_have_count(len(ids))
    run.look(secretariat, "council")
    secretariat.fill("#f-meeting_date", run.meeting.isoformat())
    secretariat.click(f"button:has-text('{say('Mở phiên họp')}')")
    expect(secretariat.locator("h1")).to_have_text(say("Khai mạc phiên họp, điểm danh"))
    expect(secretariat.locator("#council-context")).to_contain_text(day)
    expect(secretariat.locator("#council-dossiers")).to_contain_text(run.nominee)
    if run.for_province:
        expect(secretariat.locator("#council-dossiers")).to_contain_text(run.for_province)
    expect(secretariat.locator("#council-members li")).to_have_count(len(COUNCIL))
    expect(secretariat.locator("#f-meeting_date")).to_have_count(0)
    secretariat.fill("#f-meeting_place", run.place)
    secretariat.fill("#f-chair_name", NAMES[DIRECTOR])
    secretariat.locator("#f-absent_member_ids").get_by_label(NAMES[run.absent]).check()
    run.look(secretariat, "open-session")
    secretariat.click(f"button:has-text('{say('Hoàn thành')}')")
    done(secretariat)

    # The members present vote on their ballot pages.
    for username, _position in COUNCIL:
        if username == run.absent:
            continue
        member = person(username)
        member.click(f"a.nav-link:has-text('{say('Việc của tôi')}')")
        row = member.locator("#inbox tbody tr", has_text=say("Bỏ phiếu kín")).first
        expect(row).to_contain_text(say("Phiên họp Hội đồng ngày %(day)s", day=day))
        if username == COUNCIL[0][0]:
            run.look(member, "member-inbox")
        row.locator(f"a:has-text('{say('Xử lý')}')").click()
        if username == COUNCIL[0][0]:
            run.look(member, "ballot")
        for each in ids:
            member.check(f"tr[data-dossier-id='{each}'] input[value=agree]")
        member.click(f"button:has-text('{say('Gửi phiếu')}')")
        expect(member.locator(".flash--success")).to_contain_text(say("Đã gửi phiếu bầu."))
        member.context.close()
        del pages[username]

    # The secretariat enters the absent member's written ballot.
    _claim_and_open(secretariat, run, NAMES[run.absent])
    expect(secretariat.locator("#ballot-subject")).to_contain_text(NAMES[run.absent])
    run.look(secretariat, "written-ballot")
    for each in ids:
        secretariat.check(f"tr[data-dossier-id='{each}'] input[value=agree]")
    secretariat.click(f"button:has-text('{say('Gửi phiếu')}')")
    done(secretariat)

    # The director decides.
    director = person(DIRECTOR)
    _claim_and_open(director, run, run.nominee)
    expect(director.locator("#story")).to_contain_text(say("Nhận kết quả / thông báo"))
    run.look(director, "decision")
    director.fill("#f-decision_no", "120/QĐ-SKHCN")
    director.fill("#f-decision_date", run.decided.isoformat())
    director.click(f"button:has-text('{say('Hoàn thành')}')")
    done(director)

    # The dossier tells the whole story.
    clerk.goto(dossier_url)
    expect(clerk.locator("[data-status=awarded]")).to_have_text(say("Đã khen thưởng"))
    result = say(
        "%(agree)s đồng ý, %(disagree)s không đồng ý / %(members)s thành viên",
        agree=7,
        disagree=0,
        members=7,
    )
    expect(clerk.locator("#council-result")).to_contain_text(result)
    expect(clerk.locator("#council-result")).to_contain_text(f"({day})")
    history = clerk.locator("section[aria-labelledby=dossier-timeline] .timeline")
    expect(history).to_contain_text(run.reason)
    expect(history).to_contain_text(f"{say('Nhận kết quả / thông báo')} — {say('Hệ thống')}")
    run.look(clerk, "dossier-awarded")
    return dossier_url


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_two_dossiers_from_filing_to_the_directors_decision_in_vietnamese_then_english(
    app: Flask, ticking_world: Procedure, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    world = ticking_world
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    data = data_texts(session_factory)
    vietnamese = Pass(**{**vars(VIETNAMESE), "data": data, "leaks": {}})
    english = Pass(**{**vars(ENGLISH), "data": data, "leaks": {}})
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            roles = Roles(browser, base, errors)
            pages: dict[str, Any] = {}
            _journey(roles, pages, vietnamese, world)
            _documents(pages[SECRETARIAT], vietnamese, world, [vietnamese.nominee], tmp_path)

            # Everybody switches to English; the second dossier goes the same way.
            for page in pages.values():
                page.click(".lang-switch a[hreflang=en]")
                expect(page.locator("html")).to_have_attribute("lang", "en")
            _journey(roles, pages, english, world)
            assert english.for_province
            _documents(
                pages[SECRETARIAT],
                english,
                world,
                [vietnamese.nominee, english.nominee],
                tmp_path,
                (english.for_province,),
            )
        finally:
            browser.close()
    assert vietnamese.pages >= 30, vietnamese.pages
    assert english.pages >= 30, english.pages
    found = vietnamese.leaks | english.leaks
    report = "\n".join(f"{where}: {leak}" for where, leaks in found.items() for leak in leaks)
    assert not found, f"untranslated text or internal codes:\n{report}"
    assert errors == []
