"""English translations of the interface, kept as data; `make translations` writes the .po/.mo.

Run: python scripts/translations_en.py  (extracts messages, fills English, compiles).
A message missing here stays untranslated in the .po (shown in Vietnamese) and is listed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
POT = ROOT / "build" / "messages.pot"
PO = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

EN: dict[str, str] = {
    "%(count)s %(kind)s": "%(count)s %(kind)s",
    "%(filename)s: chỉ nhận tệp .xlsx hoặc .csv": (
        "%(filename)s: only .xlsx or .csv files are accepted"
    ),
    "%(filename)s: thiếu cột %(names)s": "%(filename)s: columns missing: %(names)s",
    "%(filename)s: tệp không có dòng tiêu đề": "%(filename)s: the file has no header row",
    "%(full_name)s không thuộc nhóm xử lý công việc «%(name)s».": (
        "%(full_name)s is not in the group that handles «%(name)s»."
    ),
    "%(label)s (%(name)s) phải là mã số hợp lệ.": "%(label)s (%(name)s) must be a valid id.",
    "%(label)s quá dài. %(limit)s": "%(label)s is too long. %(limit)s",
    "%(label)s: chưa nhập ngày.": "%(label)s: no date entered.",
    "%(label)s: không được để trống.": "%(label)s: must not be empty.",
    "%(LAW_2022)s Điều 22": "%(LAW_2022)s Article 22",
    "%(LAW_2022)s Điều 23": "%(LAW_2022)s Article 23",
    "%(LAW_2022)s Điều 24": "%(LAW_2022)s Article 24",
    "%(LAW_2022)s Điều 27": "%(LAW_2022)s Article 27",
    "%(LAW_2022)s Điều 28": "%(LAW_2022)s Article 28",
    "%(LAW_2022)s Điều 44": "%(LAW_2022)s Article 44",
    "%(LAW_2022)s Điều 73": "%(LAW_2022)s Article 73",
    "%(LAW_2022)s Điều 74": "%(LAW_2022)s Article 74",
    "%(LAW_2022)s Điều 75; quy chế TĐKT của Sở": (
        "%(LAW_2022)s Article 75; the department's emulation regulation"
    ),
    "%(name)s: %(counts)s": "%(name)s: %(counts)s",
    "%(nominee_name)s đã có hồ sơ %(name)s trong đợt này (#%(duplicate)s).": (
        "%(nominee_name)s already has a %(name)s dossier in this campaign (#%(duplicate)s)."
    ),
    "%(period)s, chưa có lượt tập thể, cá nhân nào được khen thưởng.": (
        "%(period)s, no collective or individual has been awarded."
    ),
    (
        "%(period)s, có %(total)s lượt tập thể, cá nhân được khen thưởng (%(collective)s lượt "
        "tập thể, %(individual)s lượt cá nhân), cụ thể: %(details)s."
    ): (
        "%(period)s, %(total)s awards to collectives and individuals (%(collective)s to "
        "collectives, %(individual)s to individuals): %(details)s."
    ),
    "%(process_id)s phiên bản %(version)s": "%(process_id)s version %(version)s",
    "%(role)s – %(unit)s": "%(role)s – %(unit)s",
    ". Quản trị viên phải thiết lập quy tắc trong bảng quyết định vote_rule.": (
        ". An administrator must set the rule in the vote_rule decision table."
    ),
    "100% cá nhân trong tập thể hoàn thành nhiệm vụ": (
        "100% of the collective's members complete their duties"
    ),
    "[TĐKT] Tổng hợp %(count)s thông báo ngày %(day)s": "[TĐKT] %(count)s notifications of %(day)s",
    "Ba lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở": (
        "Three consecutive Grassroots Emulation Fighter titles"
    ),
    "Biểu mẫu": "Forms",
    "Biểu đồ thời gian chờ": "Waiting time chart",
    "Báo cáo cấp trên": "Escalate",
    "Báo cáo quá hạn": "Overdue report",
    "Bình xét": "Unit review",
    "Bình xét tại đơn vị": "Unit review",
    "Bước": "Step",
    "Bước có thang riêng": "Step with its own ladder",
    "Bước hiện tại": "Current step",
    "Bước «%(e)s» đã chạy hoặc đang chờ nhưng không còn trong phiên bản mới.": (
        "Step «%(e)s» ran or is waiting but is gone from the new version."
    ),
    "Bước «%(e)s» đã chạy và đã thay đổi trong phiên bản mới.": (
        "Step «%(e)s» ran and changed in the new version."
    ),
    "Bạn không có quyền hủy hồ sơ/quy trình này.": "You may not cancel this dossier or process.",
    "Bạn không có quyền nhận công việc «%(name)s».": "You may not claim the task «%(name)s».",
    "Bạn không có quyền quản trị chức năng này.": "You may not administer this.",
    (
        "Bước «%(name)s» đã được thực hiện lại %(count)s lần, vượt quá giới hạn %(max_returns)s "
        "lần trả lại cho một hồ sơ (TDKT_MAX_RETURNS). Hồ sơ không được chuyển tiếp; đề nghị "
        "rút hồ sơ và lập hồ sơ mới."
    ): (
        "Step «%(name)s» was redone %(count)s times, more than the %(max_returns)s returns a "
        "dossier may have (TDKT_MAX_RETURNS). The dossier goes no further; withdraw it and file "
        "a new one."
    ),
    "Bạn không có quyền thực hiện thao tác này.": "You are not allowed to do this.",
    "Bạn không có quyền xử lý công việc «%(name)s».": "You may not handle the task «%(name)s».",
    "Bạn không thể trả lại công việc «%(name)s» của người khác.": (
        "You cannot release someone else's task «%(name)s»."
    ),
    "Bạn không xử lý việc này nên không thể đính kèm tệp.": (
        "You do not handle this task, so you cannot attach files."
    ),
    "Bạn đã gửi phiếu bầu này. Kết quả chỉ được công bố dưới dạng tổng hợp trong biên bản họp.": (
        "You have sent this ballot. Results are published only as totals in the minutes."
    ),
    "Bảng": "Tables",
    "Bắt buộc khi trả lại hoặc không đồng ý.": "Required when returning or rejecting.",
    "Bắt buộc khi trả lại.": "Required when returning.",
    "Bắt đầu": "Starts",
    "Bắt đầu công khai": "Posting starts",
    "Bắt đầu hồ sơ": "Dossier starts",
    "Bắt đầu quy trình": "Procedure started",
    "Bắt đầu đăng ký": "Registration starts",
    "Bằng khen của Chủ tịch UBND tỉnh": (
        "Certificate of Merit of the Provincial People's Committee Chairman"
    ),
    "Bằng khen của Thủ tướng": "Prime Minister's Certificate of Merit",
    "Bằng khen của Thủ tướng Chính phủ": "Prime Minister's Certificate of Merit",
    (
        "Bằng số phiếu đồng ý (%(agree)s) tại ngưỡng chỉ tiêu %(limit)s của nhóm %(group)s: Hội "
        "đồng cần bỏ phiếu lại giữa các hồ sơ bằng phiếu"
    ): (
        "Tied agree votes (%(agree)s) at the quota limit %(limit)s of group %(group)s: the "
        "council must vote again between these dossiers"
    ),
    "Bị chặn (không đủ điều kiện)": "Blocked (not eligible)",
    "Bỏ phiếu kín": "Secret ballot",
    "Bỏ phiếu kín: mỗi thành viên chỉ gửi một lần; không ai xem được phiếu của người khác.": (
        "Secret ballot: each member sends once; nobody can see another member's votes."
    ),
    "Bỏ điều chỉnh (theo lịch thường)": "Remove the correction (usual calendar)",
    "Bổ sung hồ sơ theo yêu cầu": "Supplement the dossier as requested",
    "Chi tiết và lịch sử": "Details and history",
    "Chiến sĩ thi đua cơ sở": "Grassroots Emulation Fighter",
    "Chiến sĩ thi đua cấp tỉnh": "Provincial Emulation Fighter",
    (
        "Chiến sĩ thi đua cấp tỉnh. CHƯA XÁC NHẬN cho NĐ 152/2025: quản trị viên phải thiết lập "
        "ngưỡng, cách tính và túc số theo NĐ 152/2025 và quy chế của Sở rồi đặt confirmed = "
        "True. Các con số đang để giống NĐ 91/2017 chỉ để gợi ý; kiểm phiếu sẽ dừng khi gặp "
        "dòng này."
    ): (
        "Provincial Emulation Fighter. NOT CONFIRMED for Decree 152/2025: an administrator must "
        "set the threshold, its base and the quorum under Decree 152/2025 and the department's "
        "regulation, then set confirmed = True. The figures copy Decree 91/2017 only as a hint; "
        "the count stops on this row."
    ),
    (
        "Chiến sĩ thi đua cấp tỉnh. CHƯA XÁC NHẬN cho NĐ 98/2023: quản trị viên phải thiết lập "
        "ngưỡng, cách tính và túc số theo NĐ 98/2023 và quy chế của Sở rồi đặt confirmed = "
        "True. Các con số đang để giống NĐ 91/2017 chỉ để gợi ý; kiểm phiếu sẽ dừng khi gặp "
        "dòng này."
    ): (
        "Provincial Emulation Fighter. NOT CONFIRMED for Decree 98/2023: an administrator must "
        "set the threshold, its base and the quorum under Decree 98/2023 and the department's "
        "regulation, then set confirmed = True. The figures copy Decree 91/2017 only as a hint; "
        "the count stops on this row."
    ),
    "Chuyển hồ sơ chờ họp Hội đồng": "Move the dossier to await the council",
    "Chuyển đến nội dung chính": "Skip to main content",
    "Chuẩn bị hồ sơ": "Preparing the dossier",
    "Chuẩn bị hồ sơ đề nghị": "Prepare the nomination dossier",
    "chưa chọn tệp .bpmn hoặc .dmn nào": "no .bpmn or .dmn file chosen",
    "Chưa chọn tệp.": "No file chosen.",
    "Chưa có cá nhân nào đạt danh hiệu Chiến sĩ thi đua cơ sở": (
        "No member holds the Grassroots Emulation Fighter title"
    ),
    "Chưa có hồ sơ nào chờ họp Hội đồng trong đợt này.": (
        "No dossier of this campaign awaits the council."
    ),
    "Chưa có kết quả đánh giá, xếp loại năm %(year)s": "No performance rating for %(year)s",
    "Chưa có số liệu của tập thể để kiểm tra tỷ lệ hoàn thành nhiệm vụ và LĐTT": (
        "No figures for the collective to check its duty completion and Advanced Worker shares"
    ),
    "Chưa có sự kiện nào.": "No events yet.",
    "Chưa có tệp đính kèm.": "No attachments yet.",
    "Chưa có ý kiến.": "No comments yet.",
    "Chưa kiểm tra": "Not checked yet",
    "Chưa nhập ngày.": "No date entered.",
    "Chưa nhập nội dung.": "Nothing entered.",
    "Chưa nhập tóm tắt thành tích.": "The achievement summary is missing.",
    "Chưa thể bỏ phiếu.": "Voting is not open yet.",
    "Chưa được tặng %(prerequisite_name)s": "Has not received %(prerequisite_name)s",
    "Chưa đạt (hoặc chưa được đề nghị cùng đợt) danh hiệu Lao động tiên tiến năm %(y)s": (
        "No Advanced Worker title for %(y)s (nor proposed in the same campaign)"
    ),
    "Chưa đủ điều kiện": "Not eligible",
    "Chỉ cán bộ phụ trách TĐKT của đơn vị được lập hồ sơ cho đơn vị mình.": (
        "Only the unit's emulation clerk may file dossiers for the unit."
    ),
    "Chỉ quản trị hệ thống được cho phép hồ sơ không đủ điều kiện đi tiếp.": (
        "Only a system administrator may let an ineligible dossier go on."
    ),
    "Chỉ quản trị hệ thống được chuyển phiên bản quy trình.": (
        "Only a system administrator may move a process to another version."
    ),
    "Chỉ Thường trực Hội đồng mới được mở phiên họp.": (
        "Only the council secretariat may open a session."
    ),
    "Chỉ trưởng đơn vị, Thường trực Hội đồng hoặc quản trị được giao lại việc.": (
        "Only a unit head, the council secretariat or an administrator may reassign tasks."
    ),
    "Chỉ đơn vị lập hồ sơ (hoặc Thường trực Hội đồng) được rút hồ sơ.": (
        "Only the filing unit (or the council secretariat) may withdraw the dossier."
    ),
    (
        "Chỉ tiêu Chiến sĩ thi đua cơ sở theo %(legal_basis)s chưa được xác nhận: quản trị viên "
        "phải thiết lập trước khi xét"
    ): (
        "The Grassroots Emulation Fighter quota under %(legal_basis)s is not confirmed: an "
        "administrator must set it first"
    ),
    "Chọn": "Select",
    "Chọn căn cứ pháp lý.": "Choose the legal basis.",
    "Chọn loại ngày.": "Choose the kind of day.",
    "Chọn loại phong trào.": "Choose the kind of campaign.",
    "Chọn loại điều chỉnh.": "Choose the kind of correction.",
    "Chọn một cá nhân hoặc một tập thể được đề nghị.": "Choose the nominated person or collective.",
    "Chọn một cá nhân hoặc một tập thể.": "Choose a person or a collective.",
    "Chọn một danh hiệu trong danh sách.": "Choose a title from the list.",
    "Chọn một phương án.": "Choose one option.",
    "Chọn người dùng.": "Choose a user.",
    "Chọn người nhận việc này.": "Choose who takes this task.",
    "Chọn tệp .xlsx hoặc .csv.": "Choose an .xlsx or .csv file.",
    "Chọn việc": "Select task",
    "Chọn ít nhất một danh hiệu, hình thức.": "Choose at least one title or form.",
    "Chờ (ngày)": "Waiting (days)",
    "Chờ Hội đồng": "Awaiting the council",
    "Chờ quyết định": "Awaiting decision",
    "Chờ từ": "Waiting since",
    "Chủ trì phiên họp": "Chair of the session",
    "Chủ tịch": "Chair",
    (
        "Chủ tịch UBND tỉnh quyết định: Chiến sĩ thi đua cấp tỉnh (Luật TĐKT 2022 Điều 22), Tập "
        "thể lao động xuất sắc (Điều 27), Bằng khen của Chủ tịch UBND tỉnh (Điều 74). 20 ngày "
        "làm việc là mốc nhắc nội bộ để theo dõi kết quả, không phải thời hạn pháp lý."
    ): (
        "The Provincial People's Committee Chairman decides: Provincial Emulation Fighter (2022 "
        "Law Article 22), Excellent Labour Collective (Article 27), the Chairman's Certificate "
        "of Merit (Article 74). 20 working days is an internal follow-up reminder, not a legal "
        "limit."
    ),
    "Chức danh không hợp lệ.": "Invalid position.",
    "Chức vụ": "Position",
    "Chữ phụ (.muted) vẫn đạt tương phản AA.": "Secondary text (.muted) still meets AA contrast.",
    "Chữ và dấu tiếng Việt": "Vietnamese text and diacritics",
    "CN": "Sun",
    (
        "Các danh hiệu, hình thức khác. CHƯA XÁC NHẬN cho NĐ 152/2025: quản trị viên phải thiết "
        "lập ngưỡng, cách tính và túc số theo NĐ 152/2025 và quy chế của Sở rồi đặt confirmed = "
        "True. Các con số đang để giống NĐ 91/2017 chỉ để gợi ý; kiểm phiếu sẽ dừng khi gặp "
        "dòng này."
    ): (
        "The other titles and forms. NOT CONFIRMED for Decree 152/2025: an administrator must "
        "set the threshold, its base and the quorum under Decree 152/2025 and the department's "
        "regulation, then set confirmed = True. The figures copy Decree 91/2017 only as a hint; "
        "the count stops on this row."
    ),
    (
        "Các danh hiệu, hình thức khác. CHƯA XÁC NHẬN cho NĐ 98/2023: quản trị viên phải thiết "
        "lập ngưỡng, cách tính và túc số theo NĐ 98/2023 và quy chế của Sở rồi đặt confirmed = "
        "True. Các con số đang để giống NĐ 91/2017 chỉ để gợi ý; kiểm phiếu sẽ dừng khi gặp "
        "dòng này."
    ): (
        "The other titles and forms. NOT CONFIRMED for Decree 98/2023: an administrator must "
        "set the threshold, its base and the quorum under Decree 98/2023 and the department's "
        "regulation, then set confirmed = True. The figures copy Decree 91/2017 only as a hint; "
        "the count stops on this row."
    ),
    "Các hồ sơ sau không ở bước chờ họp Hội đồng: ": (
        "These dossiers are not waiting for the council: "
    ),
    "Các mốc nhắc": "Reminder rungs",
    "Các thành phần dùng chung: chép đúng cấu trúc HTML dưới đây.": (
        "Shared components: copy the HTML structure below exactly."
    ),
    "Cách sắp xếp (sort) phải là một trong: ": "The sort order (sort) must be one of: ",
    "Cán bộ phụ trách TĐKT đơn vị": "Unit emulation clerk",
    "Còn 2 ngày làm việc đến hạn.": "2 working days left.",
    "Còn hạn": "On time",
    "còn người dùng đang hoạt động thuộc đơn vị": "the unit still has active users",
    "còn việc đang chờ xử lý của đơn vị": "the unit still has open tasks",
    "còn đơn vị trực thuộc đang hoạt động": "the unit still has active sub-units",
    "Có": "Yes",
    "Có %(disciplined)s cá nhân bị kỷ luật": "%(disciplined)s members were disciplined",
    "Có cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở": (
        "A member holds the Grassroots Emulation Fighter title"
    ),
    "Có cơ sở — không đề nghị khen thưởng": "Founded — do not propose the award",
    "Có cơ sở": "Founded",
    "Có quyết định": "Decided",
    "Có sáng kiến được công nhận năm %(y)s (bắt buộc)": (
        "A recognised initiative in %(y)s (required)"
    ),
    "Có sáng kiến/đề tài có phạm vi ảnh hưởng trong toàn tỉnh": (
        "An initiative or research with province-wide effect"
    ),
    "Công khai": "Public posting",
    "Công khai và ghi nhận ý kiến phản ánh": "Public posting and objections",
    "Công việc «%(name)s» không còn chờ xử lý.": "The task «%(name)s» is no longer waiting.",
    "Công việc «%(name)s» đã có người nhận xử lý.": "The task «%(name)s» was already claimed.",
    "công việc": "task",
    (
        "Công việc «%(name)s» không còn chờ xử lý (%(status)s); có thể người khác vừa xử lý. "
        "Vui lòng tải lại trang."
    ): (
        "The task «%(name)s» is no longer waiting (%(status)s); someone may just have handled "
        "it. Reload the page."
    ),
    "Căn cứ (điều khoản, quy chế của Sở)": "Basis (article, the department's regulation)",
    "Căn cứ (điều khoản, quy chế)": "Basis (article, regulation)",
    "Căn cứ pháp lý": "Legal basis",
    "Căn cứ pháp lý không hợp lệ.": "Invalid legal basis.",
    "Căn cứ pháp lý không xác định: %(code)s": "Unknown legal basis: %(code)s",
    "Cơ quan ban hành": "Issued by",
    "Cấp quyết định": "Deciding level",
    "Cấp quyết định khen thưởng": "Deciding level",
    "Cấp quyết định?": "Who decides?",
    "Cấp trên xử lý": "With the higher level",
    "Cấp trên yêu cầu bổ sung": "Supplement requested",
    "Cần đăng nhập hoặc mã truy cập (token).": "Log in or send an access token.",
    "Cộng %(kind)s": "Total %(kind)s",
    "Danh hiệu": "Title",
    "Danh hiệu %(name)s không xét cho %(kind)s": "The title %(name)s is not given to %(kind)s",
    "Danh hiệu / hình thức": "Title / form",
    "danh hiệu / hình thức “%(title_text)s” không có trong danh mục": (
        "title or form “%(title_text)s” is not in the list"
    ),
    "Danh hiệu không hợp lệ.": "Invalid title.",
    "Danh hiệu không hợp lệ: ": "Invalid titles: ",
    "Danh hiệu này không mở trong đợt thi đua.": "This title is not open in the campaign.",
    "Danh hiệu đề nghị": "Proposed title",
    "danh hiệu “%(name)s”": "the “%(name)s” title",
    "Danh hiệu/hình thức khen thưởng không xác định: %(code)s": "Unknown title or form: %(code)s",
    "Danh mục tài liệu kèm theo": "List of attached documents",
    "Danh sách hồ sơ trong phiên họp": "Dossiers of the session",
    "Danh sách thành viên Hội đồng có người bị trùng": "The council member list has duplicates",
    "Danh sách đã duyệt": "List approved",
    "Danh sách đăng ký": "Registration list",
    "Danh sách đề nghị khen thưởng (Excel)": "List of nominations (Excel)",
    "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG": "LIST OF NOMINATIONS",
    "Danh sách đề nghị khen thưởng": "List of nominations",
    "Danh sách đề nghị": "Nomination list",
    (
        "Do cơ quan quy định (quy chế Hội đồng TĐKT của Sở), không có điều khoản của NĐ 91/2017 "
        "ấn định: quá bán (trên 50%) tổng số thành viên Hội đồng; túc số 2/3. Quản trị viên sửa "
        "dòng này nếu quy chế của Sở khác."
    ): (
        "Set by the agency (the department's council regulation); no article of Decree 91/2017 "
        "fixes it: a majority (over 50%) of all council members; quorum 2/3. An administrator "
        "edits this row if the department's regulation differs."
    ),
    "Duyệt": "Approve",
    "Duyệt danh sách đăng ký": "Approve the registration list",
    "Duyệt danh sách": "Approve the list",
    "Duyệt tờ trình": "Approve the submission letter",
    "Duyệt tờ trình?": "Letter approved?",
    "Duyệt, ký tờ trình": "Approve and sign the submission letter",
    "Duyệt?": "Approved?",
    "Dữ liệu khởi tạo không chuyển được sang JSON: %(exc)s": (
        "The start data cannot be turned into JSON: %(exc)s"
    ),
    "Dữ liệu nhập chưa hợp lệ, vui lòng kiểm tra lại.": "Some input is not valid; please check it.",
    "Dự thảo Quyết định khen thưởng": "Draft award decision",
    "Ghi chú": "Note",
    "Ghi chú (căn cứ, ví dụ số văn bản)": "Note (basis, e.g. the document number)",
    "Ghi kết quả: cấp trên không khen thưởng": "Record: not awarded by the higher level",
    "Ghi kết quả: Hội đồng không đề nghị": "Record: not proposed by the council",
    "Ghi kết quả: không duyệt": "Record: not approved",
    "Ghi kết quả: không trình": "Record: not submitted",
    "Ghi kết quả: không đề nghị": "Record: not proposed",
    "Ghi kết quả: không đủ điều kiện": "Record: not eligible",
    "Ghi kết quả: đã duyệt": "Record: approved",
    "Ghi kết quả: đơn vị rút hồ sơ": "Record: withdrawn by the unit",
    "Ghi lần bổ sung": "Count the supplement",
    "Ghi lần trả lại (thẩm định)": "Count the return (completeness)",
    "Ghi lần trả lại (tờ trình)": "Count the return (submission letter)",
    "Ghi lần trả lại (đơn vị)": "Count the return (unit)",
    "Ghi lần trả lại": "Count the return",
    "Ghi nhận gửi hồ sơ lên cấp trên": "Record the dispatch to the higher level",
    "Ghi nhận khen thưởng, lưu hồ sơ": "Record the award, archive the dossier",
    "Ghi nhận kết quả của cấp trên": "Record the higher level's result",
    "Ghi nhận ý kiến phản ánh": "Record an objection",
    "Giai đoạn": "Stage",
    "Giai đoạn hồ sơ": "Dossier stages",
    "Giao lại việc": "Task reassigned",
    "Giám đốc Sở": "Director of the Department",
    (
        "Giám đốc Sở quyết định: Lao động tiên tiến (Luật TĐKT 2022 Điều 24), Chiến sĩ thi đua "
        "cơ sở (Điều 23), Tập thể lao động tiên tiến (Điều 28), Giấy khen (Điều 75). "
        "follow_up_days không dùng ở nhánh này."
    ): (
        "The director decides: Advanced Worker (2022 Law Article 24), Grassroots Emulation "
        "Fighter (Article 23), Advanced Labour Collective (Article 28), Certificate of "
        "Commendation (Article 75). follow_up_days is not used on this branch."
    ),
    "Giấy khen của Giám đốc Sở": "Director's Certificate of Commendation",
    "Gửi": "Send",
    "Gửi cho": "Sent to",
    "Gửi kết quả cho từng hồ sơ": "Send the result to each dossier",
    "Gửi phiếu": "Send ballot",
    "Gửi phiếu bầu? Sau khi gửi không sửa được.": "Send the ballot? It cannot be changed after.",
    "Gửi ý kiến": "Send comment",
    "Hai năm liên tục hoàn thành xuất sắc nhiệm vụ": (
        "Two consecutive years of excellent completion"
    ),
    (
        "Hai lần liên tục đạt Chiến sĩ thi đua cơ sở, hoặc 2 năm liên tục hoàn thành xuất sắc "
        "nhiệm vụ và có 2 sáng kiến được công nhận"
    ): (
        "Two consecutive Grassroots Emulation Fighter titles, or 2 consecutive years of "
        "excellent completion with 2 recognised initiatives"
    ),
    "Hoàn thành": "Complete",
    "Hoàn thành bước": "Step completed",
    "hoàn thành nhiệm vụ": "completed duties",
    "hoàn thành tốt nhiệm vụ": "completed duties well",
    "hoàn thành xuất sắc nhiệm vụ": "completed duties excellently",
    "Huân chương Lao động hạng Ba": "Third-class Labour Order",
    "Huỷ quy trình": "Procedure cancelled",
    "Hạn": "Due",
    "Hạn gửi hồ sơ phải sau hạn đăng ký.": (
        "The nomination deadline must come after the registration deadline."
    ),
    "Hạn gửi hồ sơ đề nghị": "Nomination deadline",
    "Hạn xử lý": "Due date",
    "Hạn xử lý (due) phải là một trong: ": "The due filter (due) must be one of: ",
    "Hạn đăng ký không được trước ngày bắt đầu.": (
        "The registration deadline cannot be before the start."
    ),
    "Hạn đăng ký thi đua": "Registration deadline",
    "Hết thời hạn công khai": "Posting period ends",
    "Hệ thống chưa cấu hình hòm phiếu kín; không thể nhận phiếu.": (
        "No secret ballot box is configured; ballots cannot be taken."
    ),
    "Họ và tên": "Full name",
    "Họp Hội đồng": "Council session",
    "Hồ sơ": "Dossiers",
    "Hồ sơ #%(dossier_id)s không còn trong quy trình.": (
        "Dossier #%(dossier_id)s is no longer in the procedure."
    ),
    "Hồ sơ không hợp lệ.": "Invalid dossier.",
    "Hồ sơ không thuộc phiên họp này.": "The dossier is not in this session.",
    "Hồ sơ theo danh hiệu": "Dossiers by title",
    "Hồ sơ theo danh hiệu, hình thức": "Dossiers by title and form",
    "Hồ sơ đang chờ Hội đồng họp.": "The dossier awaits the council session.",
    "Hồ sơ đang xử lý": "Dossiers in progress",
    "Hồ sơ đã kết thúc (%(status)s).": "The dossier has ended (%(status)s).",
    "Hồ sơ đầy đủ, hợp lệ": "Complete and valid",
    "Hồ sơ đầy đủ?": "Dossier complete?",
    "Hồ sơ đề nghị khen thưởng": "Nomination dossiers",
    "Hồ sơ đủ điều kiện; không cần cho phép ngoại lệ.": (
        "The dossier is eligible; no exception is needed."
    ),
    "In": "Print",
    "Khai mạc phiên họp, điểm danh": "Open the session, take attendance",
    "Khóa không hợp lệ.": "Invalid key.",
    "Khóa thiết lập không hợp lệ.": "Invalid setting key.",
    "Không": "No",
    "Không có bước nào đang chờ xử lý.": "No step is waiting.",
    "Không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên": (
        "No member disciplined with a warning or worse"
    ),
    "Không có căn cứ pháp lý nào có hiệu lực ngày %(day)s": "No legal basis is in force on %(day)s",
    "Không có cơ sở — tiếp tục công khai": "Unfounded — continue the posting",
    "Không có cơ sở": "Unfounded",
    "Không có hồ sơ nào.": "No dossiers.",
    "Không có loại văn bản “%(kind)s”.": "There is no document kind “%(kind)s”.",
    "Không có quyền": "Not allowed",
    "Không có việc nào.": "No tasks.",
    "Không dùng được": "Disabled",
    "Không hiển thị được sơ đồ quy trình.": "The process diagram cannot be shown.",
    "không hoàn thành nhiệm vụ": "did not complete duties",
    "Không hợp lệ.": "Invalid.",
    "Không khen thưởng / quá số lần bổ sung": "Not awarded / too many supplements",
    "Không khen thưởng": "Not awarded",
    "Không thể chuyển phiên bản: ": "Cannot move to the version: ",
    "Không thể chuyển đơn vị vào chính nó hoặc một đơn vị trực thuộc nó.": (
        "A unit cannot be moved under itself or one of its own units."
    ),
    "Không thể rút hồ sơ ở bước này: Hội đồng đã có kết quả đối với hồ sơ.": (
        "The dossier cannot be withdrawn now: the council has decided on it."
    ),
    "Không thể tự ngừng hoạt động tài khoản của mình.": "You cannot deactivate your own account.",
    (
        "Không thể %(what)s: các việc sau sẽ không còn ai xử lý được: %(names)s. Hãy giao lại "
        "từng việc cho người khác trước."
    ): (
        "Cannot %(what)s: nobody could handle these tasks any more: %(names)s. Reassign each of "
        "them first."
    ),
    "Không thực hiện được": "Could not be done",
    "Không trình cấp trên": "Not submitted upward",
    "Không tìm thấy": "Not found",
    "Không tìm thấy cán bộ được đề nghị (hoặc cán bộ chưa thuộc đơn vị).": (
        "The nominated person was not found (or is not in the unit)."
    ),
    "Không tìm thấy hồ sơ.": "Dossier not found.",
    "Không tìm thấy phiên họp Hội đồng.": "Council session not found.",
    "Không tìm thấy phiếu bầu.": "Ballot not found.",
    "Không tìm thấy trang hoặc đối tượng yêu cầu.": "The page or item was not found.",
    "Không tìm thấy tập thể được đề nghị.": "The nominated collective was not found.",
    "Không tìm thấy việc.": "Task not found.",
    "Không xác định được thành viên của phiếu.": "The ballot's member is unknown.",
    "không được chấp thuận": "not approved",
    "không được cấp trên phê duyệt": "not approved by the higher level",
    "không được Hội đồng đề nghị": "not proposed by the council",
    "Không được đề nghị": "Not proposed",
    "Không được để trống.": "Must not be empty.",
    "Không đề nghị / quá số lần trả lại": "Not proposed / too many returns",
    "Không đề nghị": "Do not propose",
    "không đọc được tệp Excel: %(exc)s": "the Excel file cannot be read: %(exc)s",
    "Không đồng ý": "Disagree",
    "Không đủ điều kiện": "Not eligible",
    "Khởi tạo hồ sơ": "Set up the dossier",
    "Khởi tạo": "Set up",
    "Kiểm phiếu": "Count the ballots",
    "Kiểm tra ngưỡng đã được xác nhận": "Check the threshold is confirmed",
    "Kiểm tra điều kiện": "Eligibility check",
    "kiểu trường «%(kind)s» không được hỗ trợ": "field type «%(kind)s» is not supported",
    "Ký quyết định khen thưởng": "Sign the award decision",
    "Kết quả bình xét": "Unit review result",
    "Kết quả bình xét?": "Unit review result?",
    "Kết quả cấp trên?": "Higher level's result?",
    "Kết quả hồ sơ": "Dossier result",
    "Kết quả kiểm tra điều kiện": "Eligibility result",
    "Kết quả thẩm định": "Completeness check result",
    "Kết quả xác minh": "Verification result",
    "Kết quả xác minh, giải quyết": "Verification and resolution",
    "Kết thúc": "Ends",
    "Lao động tiên tiến": "Advanced Worker",
    "Loại tệp không được phép.": "This file type is not allowed.",
    "Loại việc": "Kind of task",
    "loại “%(kind_text)s” phải là “cá nhân” hoặc “tập thể”": (
        "kind “%(kind_text)s” must be “cá nhân” (individual) or “tập thể” (collective)"
    ),
    "Luật TĐKT 2003 Điều 23; NĐ 91/2017": "2003 Emulation Law Article 23; Decree 91/2017",
    "Luật TĐKT 2022": "2022 Emulation Law",
    "Lúc": "When",
    "Lý do hủy": "Reason for cancelling",
    "Lưu nháp": "Save draft",
    "Lập danh sách bỏ phiếu": "Draw up the ballot list",
    "Lập tờ trình và bộ hồ sơ trình": "Prepare the submission letter and dossier set",
    "Lập và gửi danh sách đăng ký thi đua": "Draw up and send the emulation registration list",
    "Lặp lại mỗi ngày": "Repeat daily",
    "Lịch sử xử lý": "History",
    "Lọc": "Filter",
    "Lỗi": "Error",
    "Lỗi khi tạo văn bản: %(exc)s": "The document could not be made: %(exc)s",
    (
        "Mã thành viên vắng mặt, cách nhau bởi dấu phẩy. Thành viên vắng mặt gửi phiếu bằng văn "
        "bản; thư ký nhập phiếu ở bước sau."
    ): (
        "Absent members, separated by commas. Absent members vote in writing; the secretary "
        "enters their ballots in the next step."
    ),
    "Mã «%(code)s» đã được dùng cho đơn vị khác.": "The code «%(code)s» is used by another unit.",
    "Mã «%(code)s» đã được dùng.": "The code «%(code)s» is already used.",
    "Mẫu giao diện": "Style guide",
    "Mật khẩu": "Password",
    "Mật khẩu ban đầu": "Initial password",
    "Mật khẩu cần ít nhất %(MIN_PASSWORD)s ký tự.": (
        "The password needs at least %(MIN_PASSWORD)s characters."
    ),
    "Mật khẩu của mọi tài khoản:": "Password of every account:",
    "Mặc định (mọi bước)": "Default (every step)",
    "Mọi danh hiệu": "Every title",
    "Mọi trường hợp": "Any",
    "Mốc nhắc theo dõi (ngày làm việc)": "Follow-up reminder (working days)",
    (
        "Mỗi dòng là một mốc: số ngày làm việc so với hạn (âm: trước hạn), nhắc người xử lý "
        "hoặc báo cáo cấp trên, có lặp lại mỗi ngày hay không."
    ): (
        "Each row is one rung: working days from the due date (negative: before it), a reminder "
        "to the holder or an escalation, repeated daily or not."
    ),
    "Mỗi hồ sơ chọn Đồng ý, Không đồng ý hoặc Không tham gia biểu quyết.": (
        "For each dossier choose Agree, Disagree or Abstain."
    ),
    "Nghị định 152/2025/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2022)": (
        "Decree 152/2025/NĐ-CP (guiding the 2022 Law on Emulation and Commendation)"
    ),
    "Nghị định 91/2017/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2003, sửa đổi 2013)": (
        "Decree 91/2017/NĐ-CP (guiding the 2003 Law on Emulation and Commendation, amended 2013)"
    ),
    "Nghị định 98/2023/NĐ-CP (hướng dẫn Luật Thi đua, khen thưởng 2022)": (
        "Decree 98/2023/NĐ-CP (guiding the 2022 Law on Emulation and Commendation)"
    ),
    "Ngày %(when)s không có điều chỉnh nào.": "%(when)s has no correction.",
    "Ngày gửi": "Date sent",
    (
        "Mỗi dòng một cá nhân/tập thể: họ tên – mã danh hiệu (LDTT, CSTDCS, TTLDTT, GK, CSTDT, "
        "TTLDXS, BKT, BKTTG, HCLD3)."
    ): (
        "One person or collective per line: name – title code (LDTT, CSTDCS, TTLDTT, GK, CSTDT, "
        "TTLDXS, BKT, BKTTG, HCLD3)."
    ),
    "Ngày họp": "Meeting date",
    "Ngày họp bình xét": "Review meeting date",
    "Ngày họp bình xét tại đơn vị.": "Date of the unit's review meeting.",
    "Ngày không hợp lệ (dạng YYYY-MM-DD).": "Invalid date (YYYY-MM-DD).",
    "Ngày kết thúc phải sau ngày bắt đầu.": "The end must come after the start.",
    "Ngày làm việc bù": "Make-up working day",
    "ngày làm việc": "working days",
    "Ngày làm việc so với hạn": "Working days from due",
    "Ngày nghỉ thêm": "Extra day off",
    "Ngày quyết định": "Decision date",
    "ngày quyết định ở tương lai": "the decision date is in the future",
    "ngày quyết định “%(decision_date)s” không đúng dạng ngày/tháng/năm": (
        "decision date “%(decision_date)s” is not day/month/year"
    ),
    "Ngày tờ trình": "Letter date",
    "Ngôn ngữ": "Language",
    "Người / nhóm xử lý": "Person / group in charge",
    "Người / nhóm": "Person / group",
    "Người / đơn vị phản ánh": "Objection from (person or unit)",
    "Người dùng đã có vai trò này.": "The user already has this role.",
    "Người dùng đã ngừng hoạt động.": "The user is deactivated.",
    "người dùng": "user",
    "Người nhận không tồn tại, đã ngừng hoạt động hoặc chính là người rời đi.": (
        "The successor does not exist, is deactivated or is the person leaving."
    ),
    "Người này không phải thành viên Hội đồng của phiên họp.": (
        "This person is not a council member of the session."
    ),
    "Người đang xử lý": "Task holder",
    "Người được giao không có vai trò phù hợp.": "The assignee does not have the right role.",
    "Ngưỡng (%)": "Threshold (%)",
    "Ngưỡng biểu quyết chưa được xác nhận cho căn cứ pháp lý của các hồ sơ: ": (
        "The vote threshold is not confirmed for these dossiers' legal basis: "
    ),
    "Nhiệm kỳ đã có %(label)s; đổi chức danh người đó trước.": (
        "The term already has a %(label)s; change that person's position first."
    ),
    "nhiệm kỳ": "term",
    "Nhánh xử lý sau khi Hội đồng đề nghị: Giám đốc Sở quyết định, hoặc trình tỉnh / Trung ương.": (
        "The branch after the council proposes: the director decides, or it goes to the "
        "province / central level."
    ),
    "Nhận các việc đã chọn": "Claim selected tasks",
    "Nhận kết quả Hội đồng": "Receive the council's result",
    "Nhận việc": "Claim",
    "Nhập all_members hoặc present.": "Enter all_members or present.",
    "Nhập mật khẩu.": "Enter the password.",
    "Nhập một số nguyên.": "Enter a whole number.",
    "Nhập một số từ 0 đến 100, hoặc một phân số như 200/3.": (
        "Enter a number from 0 to 100, or a fraction such as 200/3."
    ),
    "Nhập phiếu bằng văn bản của thành viên vắng mặt": "Enter the absent members' written ballots",
    "Nhập true hoặc false.": "Enter true or false.",
    "Nhập tên đăng nhập.": "Enter the username.",
    (
        "Nhập đúng phiếu thành viên đã gửi; nếu không nhận được phiếu, để trống tất cả các hồ "
        "sơ (không tính vào số tham gia)."
    ): (
        "Enter the ballot exactly as the member sent it; if none arrived, leave every dossier "
        "empty (not counted as taking part)."
    ),
    "Nhắc việc": "Reminder",
    "Nhỏ": "Small",
    "Nêu lý do cho phép.": "Give the reason for the exception.",
    "Nêu lý do rút hồ sơ.": "Give the reason for withdrawing.",
    "Nút": "Buttons",
    "Năm": "Year",
    "Năm %(y)s chưa hoàn thành xuất sắc nhiệm vụ và chưa có sáng kiến, đề tài được công nhận": (
        "In %(y)s neither excellent completion nor a recognised initiative or research"
    ),
    "Năm %(y)s: hoàn thành xuất sắc nhiệm vụ, hoặc có sáng kiến/đề tài được công nhận": (
        "%(y)s: excellent completion, or a recognised initiative or research"
    ),
    "Năm %(year)s được đánh giá %(rating)s, chưa đạt mức %(label)s trở lên": (
        "Rated %(rating)s in %(year)s, below %(label)s"
    ),
    "Năm %(year)s: %(label)s trở lên": "%(year)s: %(label)s or better",
    "Năm %(year_from)s": "In %(year_from)s",
    "năm “%(year)s” không hợp lệ": "invalid year “%(year)s”",
    (
        "NĐ 91/2017 Điều 45: bỏ phiếu kín; Chiến sĩ thi đua cấp tỉnh phải được từ 90% tổng số "
        "thành viên Hội đồng đồng ý; thành viên vắng mặt bỏ phiếu bằng văn bản. Túc số 2/3 tổng "
        "số thành viên là thông lệ trong quy chế Hội đồng của cơ quan, không do Điều 45 ấn "
        "định."
    ): (
        "Decree 91/2017 Article 45: secret ballot; a Provincial Emulation Fighter needs at "
        "least 90% of all council members to agree; absent members vote in writing. The 2/3 "
        "quorum is the agency's council practice, not fixed by Article 45."
    ),
    "Nơi nhận": "Recipient",
    "Nội dung cần chỉnh sửa": "What must be corrected",
    "Nội dung cần hoàn thiện": "What must be completed",
    "Nội dung tệp không khớp với phần mở rộng.": "The file's content does not match its extension.",
    "Nội dung yêu cầu bổ sung / lý do": "Supplement requested / reason",
    "Nội dung ý kiến phản ánh": "Objection",
    "Nội dung đã bổ sung": "What was supplemented",
    "Phiên bản #%(spec_id)s thuộc quy trình khác (%(process_id)s).": (
        "Version #%(spec_id)s belongs to another process (%(process_id)s)."
    ),
    "Phiên bản quy trình #%(spec_id)s không tồn tại.": (
        "Process version #%(spec_id)s does not exist."
    ),
    "Phiên họp Hội đồng Thi đua – Khen thưởng": "Emulation and Commendation Council session",
    "Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.": (
        "Your session expired; reload the page and try again."
    ),
    "Phiếu bầu": "Ballot",
    "phiếu bầu không hợp lệ": "invalid ballot",
    "Phiếu bầu không hợp lệ.": "Invalid ballot.",
    "Phiếu bầu không thuộc phiên họp nào.": "The ballot belongs to no session.",
    (
        "Phiếu bầu kín «%(name)s» không thể giao cho người khác; thành viên vắng mặt gửi phiếu "
        "bằng văn bản qua Thường trực Hội đồng."
    ): (
        "The secret ballot «%(name)s» cannot be given to someone else; absent members vote in "
        "writing through the council secretariat."
    ),
    "Phiếu bầu này đã được gửi trước đó.": "This ballot was already sent.",
    "Phiếu bầu: Nguyễn Văn Hùng": "Ballot: Nguyễn Văn Hùng",
    "Phiếu bằng văn bản": "Written ballot",
    "Phiếu của người không phải thành viên Hội đồng: %(user)s": (
        "Ballot from someone not on the council: %(user)s"
    ),
    "Phiếu của thành viên %(user)s có lựa chọn không hợp lệ: %(bad)s": (
        "Member %(user)s's ballot has invalid choices: %(bad)s"
    ),
    "Phong trào «%(name)s» đã được phát động.": "The campaign «%(name)s» was already launched.",
    "Phát động phong trào": "Campaign launched",
    "Phân trang": "Pagination",
    "Phó Chủ tịch": "Vice-chair",
    "Phóng to": "Zoom in",
    "Phương thức không được hỗ trợ.": "Method not allowed.",
    "phải là Có hoặc Không": "must be Yes or No",
    "phải là một trong các lựa chọn: %(labels)s": "must be one of: %(labels)s",
    "phải là ngày theo dạng YYYY-MM-DD": "must be a date (YYYY-MM-DD)",
    "phải là số nguyên": "must be a whole number",
    "phải là văn bản": "must be text",
    "Phải vượt (true) hay chỉ cần đạt (false) tỷ lệ": (
        "Must exceed (true) or only reach (false) the share"
    ),
    "Phải vượt ngưỡng (>)": "Must exceed the threshold (>)",
    "Phần tử (BPMN)": "Step",
    "Quy trình #%(id)s đã kết thúc (%(status)s).": "Process #%(id)s has ended (%(status)s).",
    "Quy trình #%(instance_id)s không chờ thông điệp «%(name)s» lúc này.": (
        "Process #%(instance_id)s is not waiting for the message «%(name)s» now."
    ),
    "Quy trình «%(process_id)s» chưa được triển khai.": (
        "The process «%(process_id)s» is not deployed."
    ),
    "Quy trình đã kết thúc (%(status)s).": "The process has ended (%(status)s).",
    "Quy trình đã ở phiên bản này.": "The process already runs this version.",
    "Quy tắc biểu quyết của Hội đồng TĐKT": "Council voting rules",
    "Quyết định": "Decision",
    "Quá hạn": "Overdue",
    "Quá hạn theo bước": "Overdue by step",
    "Quá hạn theo người xử lý": "Overdue by person in charge",
    "Quá số lần trả lại": "Too many returns",
    "Quản trị": "Administration",
    "Quản trị hệ thống": "System administrator",
    "Sau": "Next",
    "seal_hash cần một nonce bí mật của phiên họp": "seal_hash needs the session's secret nonce",
    "Sáng kiến / đề tài được công nhận (nếu có)": "Recognised initiative / research (if any)",
    "Sơ đồ quy trình": "Process diagram",
    "Sắp đến hạn": "Due soon",
    "Số biên bản họp bình xét": "Review minutes number",
    "số có mặt": "of the members present",
    "Số công văn gửi": "Dispatch letter number",
    "Số hồ sơ": "Dossiers",
    "Số liệu của tập thể (quân số, LĐTT, CSTĐCS)": (
        "The collective's figures (headcount, Advanced Workers, Grassroots Emulation Fighters)"
    ),
    "Số lượng đăng ký": "Number registered",
    "Số lần lặp tối đa": "Most repeats",
    (
        "Số ngày công khai theo %(legal_basis)s chưa được thiết lập: quản trị viên phải nhập "
        "trong mục Quy định trước khi lập hồ sơ."
    ): (
        "The posting length under %(legal_basis)s is not set: an administrator must enter it "
        "under Rules before dossiers are filed."
    ),
    "Số quyết định": "Decision number",
    "Số sáng kiến được công nhận": "Recognised initiatives",
    "Số tờ trình": "Letter number",
    "Số việc quá hạn theo bước": "Overdue tasks by step",
    "Số việc quá hạn": "Tasks over the limit",
    "Số việc": "Tasks",
    "T2": "Mon",
    "T3": "Tue",
    "T4": "Wed",
    "T5": "Thu",
    "T6": "Fri",
    "T7": "Sat",
    "Thang nhắc cần ít nhất một mốc.": "A ladder needs at least one rung.",
    "Thang nhắc việc chưa hợp lệ.": "The reminder ladder is not valid.",
    "Thang nhắc việc không hợp lệ: %(exc)s": "Invalid reminder ladder: %(exc)s",
    "Thao tác": "Actions",
    "Thao tác quá nhiều lần, vui lòng thử lại sau.": "Too many attempts; try again later.",
    "Theo chuyên đề": "Thematic",
    "thiếu họ tên / tên tập thể": "name missing",
    "threshold_base không hợp lệ: %(base)s": "invalid threshold_base: %(base)s",
    "thu hồi vai trò": "revoke the role",
    "Thu nhỏ": "Zoom out",
    "thành viên": "member",
    (
        "Theo NĐ 91/2017, Chiến sĩ thi đua cơ sở bắt buộc có sáng kiến được công nhận; năm "
        "%(y)s chưa có sáng kiến nào được công nhận"
    ): (
        "Under Decree 91/2017 a Grassroots Emulation Fighter needs a recognised initiative; "
        "none was recognised in %(y)s"
    ),
    "Thành viên Hội đồng TĐKT": "Council member",
    "Thành viên này đã bỏ phiếu trong phiên họp.": "This member has already voted in the session.",
    "Thành viên vắng mặt": "Absent members",
    "Thành viên vừa có mặt vừa có phiếu bằng văn bản: %(both)s": (
        "Members both present and voting in writing: %(both)s"
    ),
    "Thông tin phong trào chưa hợp lệ.": "The campaign's details are not valid.",
    "Thông điệp «%(name)s» lan truyền quá %(MAX_MESSAGE_DEPTH)s cấp; nghi vòng lặp.": (
        "The message «%(name)s» travelled more than %(MAX_MESSAGE_DEPTH)s levels; probably a loop."
    ),
    "Thư #%(outbox_id)s không ở trạng thái gửi lỗi.": "E-mail #%(outbox_id)s has not failed.",
    "Thư ký": "Secretary",
    "Thư ký kết thúc bỏ phiếu": "Secretary closes the vote",
    "Thư điện tử": "E-mail",
    "Thư điện tử «%(email)s» đã có người dùng.": "The e-mail «%(email)s» is already used.",
    "Thường trực Hội đồng TĐKT": "Council secretariat",
    "Thường xuyên (hằng năm)": "Regular (yearly)",
    "Thẩm định hồ sơ": "Check the dossier's completeness",
    "Thống kê khen thưởng %(year_from)s–%(year_to)s": "Award statistics %(year_from)s–%(year_to)s",
    "Thời gian chờ trung vị theo phần tử sơ đồ (ngày làm việc)": (
        "Median waiting time per diagram step (working days)"
    ),
    "Thời gian xử lý theo bước (%(start)s–%(end)s)": "Time per step (%(start)s–%(end)s)",
    "Thời gian xử lý trung vị theo bước, vạch đỏ là hạn": (
        "Median time per step; the red line is the limit"
    ),
    "Tiêu chí tương đương 3 lần Chiến sĩ thi đua cơ sở đối với tập thể": (
        "Criteria equivalent to three Grassroots Emulation Fighter titles, for a collective"
    ),
    (
        "Tiêu chí cho tập thể chưa được cơ quan xác nhận: thư ký Hội đồng phải xác minh và cho "
        "phép xét tiếp nếu đạt"
    ): (
        "The collective's criteria are not confirmed by the agency: the council secretary must "
        "verify them and allow the dossier on if met"
    ),
    "Tiến độ theo đợt thi đua": "Progress by campaign",
    "Triệu tập phiên họp": "Convene the session",
    "Trung vị": "Median",
    "Trung ương": "Central",
    (
        "Trung ương quyết định qua UBND tỉnh: Bằng khen của Thủ tướng (Luật TĐKT 2022 Điều 73), "
        "Huân chương Lao động hạng Ba (Điều 44). 30 ngày làm việc là mốc nhắc nội bộ, không "
        "phải thời hạn pháp lý."
    ): (
        "The central level decides through the province: Prime Minister's Certificate of Merit "
        "(2022 Law Article 73), Third-class Labour Order (Article 44). 30 working days is an "
        "internal reminder, not a legal limit."
    ),
    "trên": "over",
    "Trích yếu": "Summary",
    "trùng với dòng %(key)s": "same as line %(key)s",
    "Trường này không có trong biểu mẫu của bước.": "This field is not in the step's form.",
    "Trưởng đơn vị": "Unit head",
    "Trưởng đơn vị / Thường trực": "Unit head / secretariat",
    "Trả lại hồ sơ": "Dossier returned",
    "Trả lại đơn vị để hoàn thiện": "Return to the unit to complete",
    "Trả lại để bổ sung, chỉnh sửa": "Return for additions and corrections",
    "Trả lại để chỉnh sửa": "Return for corrections",
    "Trễ (ngày làm việc)": "Late (working days)",
    "Trễ nhiều nhất (ngày LV)": "Most late (working days)",
    "Trễ trung bình (ngày LV)": "Average lateness (working days)",
    "Tài khoản đã ngừng hoạt động; các việc đang mở đã được giao lại.": (
        "The account is deactivated; its open tasks were handed back."
    ),
    "Tên mốc": "Rung name",
    "Tên phong trào": "Campaign name",
    "Tên đăng nhập «%(username)s» đã có người dùng.": "The username «%(username)s» is taken.",
    "Tính trên": "Counted over",
    "Tính trên: all_members (tổng số thành viên) hoặc present (số có mặt)": (
        "Counted over: all_members (every member) or present (members present)"
    ),
    "Tóm tắt báo cáo thành tích": "Achievement report summary",
    "Túc số (%)": "Quorum (%)",
    "Tải tệp báo cáo thành tích và minh chứng ở mục Tài liệu của hồ sơ.": (
        "Upload the achievement report and proofs under the dossier's Documents."
    ),
    "Tất cả thành viên có mặt": "All members present",
    "Tập thể lao động tiên tiến": "Advanced Labour Collective",
    "Tập thể lao động xuất sắc": "Excellent Labour Collective",
    "tệp CSV phải dùng bảng mã UTF-8": "a CSV file must be UTF-8",
    "Tệp quá lớn.": "The file is too large.",
    "Tệp vượt quá %(max_bytes)s MB.": "The file is over %(max_bytes)s MB.",
    "Tỉnh / Trung ương": "Province / central",
    "Tối đa %(max)d ký tự (đã nhập %(given)d).": "At most %(max)d characters (%(given)d entered).",
    "Tối đa %(max_len)s ký tự.": "At most %(max_len)s characters.",
    "Tổng cộng": "Total",
    "Tổng cộng: %(collective)s tập thể, %(individual)s cá nhân": (
        "Total: %(collective)s collectives, %(individual)s individuals"
    ),
    "tổng số thành viên": "of all members",
    "Tờ trình đề nghị khen thưởng": "Submission letter",
    "Từ 5 năm liên tục trở lên %(label)s kể từ khi được tặng %(prerequisite_name)s": (
        "5 or more consecutive years %(label)s since receiving %(prerequisite_name)s"
    ),
    "Từ khóa tìm kiếm (q) dài quá %(MAX_QUERY)s ký tự.": (
        "The search text (q) is longer than %(MAX_QUERY)s characters."
    ),
    "Từ năm %(since)s đến %(y)s chưa đủ 5 năm liên tục %(label)s": (
        "From %(since)s to %(y)s, fewer than 5 consecutive years %(label)s"
    ),
    "Từ năm %(since)s đến %(y)s mới có %(count)s lần đạt Chiến sĩ thi đua cơ sở (cần 3)": (
        "From %(since)s to %(y)s only %(count)s Grassroots Emulation Fighter titles (3 needed)"
    ),
    "Từ năm %(year_from)s đến nay": "From %(year_from)s to date",
    "Từ năm %(year_from)s đến năm %(year_to)s": "From %(year_from)s to %(year_to)s",
    "từ": "at least",
    "Tỷ lệ Chiến sĩ thi đua cơ sở tối đa trên số Lao động tiên tiến của đơn vị (%)": (
        "Most Grassroots Emulation Fighters per Advanced Workers of the unit (%)"
    ),
    "Tỷ lệ phiếu đồng ý cần đạt (%)": "Share of agree votes needed (%)",
    "Tỷ lệ phải từ 0 đến 100.": "The share must be from 0 to 100.",
    "Tỷ lệ phần trăm không hợp lệ: %(value)s": "Invalid percentage: %(value)s",
    "Tỷ lệ thành viên tham dự tối thiểu (%), ví dụ 200/3 cho hai phần ba": (
        "Least share of members present (%), e.g. 200/3 for two thirds"
    ),
    "Vai trò không hợp lệ.": "Invalid role.",
    "Vai trò này gắn với một đơn vị: hãy chọn đơn vị.": (
        "This role belongs to a unit: choose the unit."
    ),
    "Việc mới": "New task",
    "Việc": "Task",
    "Việc này không gắn với hồ sơ nào.": "This task has no dossier.",
    "vote_rules phải có đúng một quy tắc cho mỗi hồ sơ": (
        "vote_rules needs exactly one rule per dossier"
    ),
    "Vui lòng nhập «%(field)s».": "Please fill in «%(field)s».",
    "Vui lòng nêu lý do hủy.": "Please give the reason for cancelling.",
    "Vui lòng nêu lý do rút hồ sơ.": "Please give the reason for withdrawing.",
    "Vui lòng nêu lý do.": "Please give the reason.",
    "Ví dụ: Ban Thi đua – Khen thưởng tỉnh (Sở Nội vụ).": (
        "For example: the provincial Emulation and Commendation Board (Department of Home Affairs)."
    ),
    "Vừa khung": "Fit",
    "Xoá": "Delete",
    "Xác định cấp quyết định": "Determine the deciding level",
    "Xác định ngưỡng biểu quyết từng hồ sơ": "Determine each dossier's vote threshold",
    "Yêu cầu bổ sung hồ sơ": "Request a supplement",
    "Yêu cầu bổ sung": "Supplement requested",
    "Ít nhất %(MIN_PASSWORD)s ký tự.": "At least %(MIN_PASSWORD)s characters.",
    "Ít nhất 70% cá nhân đạt danh hiệu Lao động tiên tiến": (
        "At least 70% of members are Advanced Workers"
    ),
    "Ý kiến có cơ sở?": "Objection founded?",
    "Ý kiến dài quá %(MAX_COMMENT_CHARS)s ký tự (đã nhập %(count)s).": (
        "The comment is longer than %(MAX_COMMENT_CHARS)s characters (%(count)s entered)."
    ),
    "Ý kiến quá dài.": "The comment is too long.",
    "Đang tạo văn bản cho %(count)s hồ sơ; trang này cập nhật tiến độ.": (
        "Making the document for %(count)s dossiers; this page shows the progress."
    ),
    "Điều chỉnh": "Correction",
    (
        "Đánh giá cho từng hồ sơ của phiên họp (biến dossier). threshold_base: all_members = "
        "tổng số thành viên Hội đồng, present = số thành viên tham gia biểu quyết. "
        'quorum_percent có thể là phân số, ví dụ "200/3" cho 2/3. Ngưỡng so sánh chính xác '
        "(không làm tròn số thực)."
    ): (
        "Evaluated for each dossier of the session (variable dossier). threshold_base: "
        "all_members = every council member, present = the members voting. quorum_percent may "
        'be a fraction, e.g. "200/3" for 2/3. The threshold is compared exactly (no '
        "rounding)."
    ),
    "Đã bỏ thành viên khỏi nhiệm kỳ.": "Member removed from the term.",
    "Đã chuyển %(moved)s/%(count)s quy trình sang phiên bản %(version)s.": (
        "Moved %(moved)s/%(count)s processes to version %(version)s."
    ),
    "Đã chuyển sang phiên bản này.": "Moved to this version.",
    "Đã chuyển đơn vị.": "Unit changed.",
    "Đã chọn nhận thư ngay khi có thông báo.": "You will get an e-mail for each notification.",
    "Đã chọn nhận thư tổng hợp mỗi ngày.": "You will get one digest e-mail a day.",
    "Đã có kết quả": "Result known",
    "Đã có quyết định khen thưởng": "Award decided",
    "Đã cấp vai trò.": "Role granted.",
    "Đã cập nhật lịch làm việc; không việc đang mở nào đổi hạn.": (
        "Calendar updated; no open task changed its due date."
    ),
    "Đã cập nhật thành viên Hội đồng.": "Council member updated.",
    "Đã cập nhật đơn vị «%(name)s».": "Unit «%(name)s» updated.",
    "đã hủy": "cancelled",
    "Đã lưu nhiệm kỳ «%(name)s».": "Term «%(name)s» saved.",
    "Đã lưu thang nhắc việc; các việc đang mở đã được lập lại lịch nhắc.": (
        "Reminder ladder saved; open tasks' reminders were rescheduled."
    ),
    "Đã lưu thông số.": "Setting saved.",
    "Đã phát động «%(name)s» và thông báo tới các đơn vị.": (
        "«%(name)s» launched and the units told."
    ),
    (
        "Đã cập nhật lịch làm việc; %(count)s việc đang mở được tính lại hạn xử lý và người xử "
        "lý đã được thông báo."
    ): ("Calendar updated; %(count)s open tasks got new due dates and their holders were told."),
    "đã rút": "withdrawn",
    "Đã rút hồ sơ": "Dossier withdrawn",
    "Đã thu hồi vai trò.": "Role revoked.",
    "Đã triển khai: ": "Deployed: ",
    "Đã tạo phong trào «%(name)s» (bản nháp). Bấm «Phát động» để báo các đơn vị.": (
        "Campaign «%(name)s» created (draft). Press «Launch» to tell the units."
    ),
    "Đã tạo tài khoản «%(username)s».": "Account «%(username)s» created.",
    "Đã tạo đơn vị «%(name)s».": "Unit «%(name)s» created.",
    "Đã xác nhận": "Confirmed",
    "Đã đánh dấu %(count)s thông báo là đã đọc.": "Marked %(count)s notifications as read.",
    "Đã đăng xuất tài khoản khỏi mọi phiên.": "The account was signed out everywhere.",
    "Đã đưa thư #%(outbox_id)s vào hàng gửi lại.": "E-mail #%(outbox_id)s queued again.",
    "Đã được tặng %(prerequisite_name)s": "Has received %(prerequisite_name)s",
    "Đã đặt lại mật khẩu.": "Password reset.",
    "Đã đề nghị": "Nominated",
    "Đăng ký thi đua của đơn vị": "Unit's emulation registration",
    (
        "Với mỗi hồ sơ chọn Đồng ý, Không đồng ý hoặc Không tham gia (có xung đột lợi ích). "
        "Phiếu được niêm phong; không ai xem được lựa chọn của từng người."
    ): (
        "For each dossier choose Agree, Disagree or Abstain (conflict of interest). The ballot "
        "is sealed; nobody can see anyone's choices."
    ),
    "Đăng nhập sai quá nhiều lần từ địa chỉ này; vui lòng chờ vài phút rồi thử lại.": (
        "Too many failed log-ins from this address; wait a few minutes and try again."
    ),
    "Thêm tệp": "Add a file",
    "Thêm ý kiến": "Comment added",
    "Thông báo": "Notifications",
    "Thông báo (flash)": "Messages (flash)",
    "Thông tin": "Information",
    "Thẩm định": "Appraisal",
    "Thẻ tổng hợp": "Summary cards",
    "Thời gian chờ": "Waiting time",
    "Thời gian chờ trung vị theo bước (ngày làm việc), vạch đỏ là hạn": (
        "Median waiting time per step (working days); the red line is the limit"
    ),
    "Trang": "Page",
    "Trang chủ": "Home",
    "Trong lúc bạn mở trang, việc này đã được hoàn thành hoặc chuyển sang bước khác. "
    "Dữ liệu bạn vừa nhập chưa được lưu.": (
        "While you had the page open, this task was completed or moved on. "
        "What you entered has not been saved."
    ),
    "Trình cấp trên": "Submitted upward",
    "Trước": "Previous",
    "Trả lại": "Return",
    "Trả lại để bổ sung": "Returned for revision",
    "Trả việc về nhóm": "Give back to the group",
    "Tài khoản thử nghiệm": "Demo accounts",
    "Tên đăng nhập": "Username",
    "Tên đăng nhập hoặc mật khẩu không đúng.": "Wrong username or password.",
    "Tìm": "Search",
    "Tìm theo tên": "Search by name",
    "Tình trạng": "Status",
    "Tóm tắt": "Summary",
    "Tóm tắt thành tích": "Achievement summary",
    "TĐKT Flow — quản lý hồ sơ thi đua, khen thưởng": (
        "TĐKT Flow — emulation and commendation dossiers"
    ),
    "Tạo hồ sơ": "New dossier",
    "Tải lên": "Upload",
    "Tất cả": "All",
    "Tệp hoặc yêu cầu quá lớn.": "The file or request is too large.",
    "Tệp đính kèm": "Attachments",
    "Tối đa %(mb)s MB; loại tệp: %(types)s.": "At most %(mb)s MB; file types: %(types)s.",
    "Tối đa 2 trang.": "At most 2 pages.",
    "Tổng": "Total",
    "Tổng hợp": "Dashboard",
    "Từ chối": "Reject",
    "Từ chối hồ sơ này?": "Reject this dossier?",
    "Việc của nhóm": "Group tasks",
    "Việc của tôi": "My tasks",
    "Việc nhóm của bạn có thể nhận; nhận để bắt đầu xử lý.": (
        "Tasks your groups may claim; claim one to start."
    ),
    "Việc này đã được người khác hoàn thành.": "Someone else already completed this task.",
    "Việc này đã được người khác xử lý": "Someone else already handled this task",
    "Việc đã giao cho bạn hoặc bạn đã nhận.": "Tasks assigned to you or claimed by you.",
    "Vui lòng chọn ý kiến cho mọi hồ sơ.": "Choose a vote for every dossier.",
    "Vui lòng sửa các lỗi bên dưới.": "Please correct the errors below.",
    "Vui lòng đăng nhập để tiếp tục.": "Please log in to continue.",
    "Về Việc của tôi": "Back to My tasks",
    "Về trang chính": "Back to the start page",
    "Xem Việc của nhóm": "See Group tasks",
    "Xem danh sách": "See the list",
    "Xem hồ sơ": "See dossier",
    "Xem lịch sử": "See history",
    "Xử lý": "Open",
    "Yêu cầu không hợp lệ.": "Bad request.",
    "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL).": (
        "The request holds a character that is not allowed (NUL)."
    ),
    "bắt buộc": "required",
    "chưa đọc": "unread",
    "chờ nhóm %(role)s nhận": "waiting for group %(role)s to claim it",
    "cá nhân": "individual",
    "hạn": "due",
    "ngày": "days",
    "tập thể": "collective",
    "việc": "tasks",
    "Ý kiến": "Comments",
    "Đang xử lý": "In progress",
    "Điều hướng chính": "Main navigation",
    "Đã có biên bản họp": "Minutes available",
    "Đã gửi phiếu bầu.": "Ballot sent.",
    "Đã gửi ý kiến.": "Comment sent.",
    "Đã hoàn thành: %(name)s.": "Completed: %(name)s.",
    "Đã khen thưởng": "Awarded",
    "Đã lưu hồ sơ.": "Dossier saved.",
    "Đã lưu trữ": "Archived",
    "Đã nhận việc.": "Task claimed.",
    "Đã rút": "Withdrawn",
    "Đã thay đổi": "Changed",
    "Đã trả việc về nhóm.": "Task given back to the group.",
    "Đã xong": "Done",
    "Đã đính kèm tệp.": "File attached.",
    "Đã đăng xuất.": "Logged out.",
    "Đính kèm tệp": "File attached",
    "Đóng thông báo": "Dismiss message",
    "Đăng ký": "Registration",
    "Đăng nhập": "Log in",
    "Đăng xuất": "Log out",
    "Đơn vị": "Unit",
    "Đơn vị cấp trên không tồn tại hoặc đã ngừng hoạt động.": (
        "The parent unit does not exist or is deactivated."
    ),
    "Đơn vị không tồn tại hoặc đã ngừng hoạt động.": "The unit does not exist or is deactivated.",
    "đơn vị": "unit",
    "Đơn vị nộp hồ sơ": "The unit submitted the dossier",
    "Đơn vị rút hồ sơ": "Withdrawn by the unit",
    "Đơn vị «%(name)s» đã ngừng hoạt động.": "Unit «%(name)s» deactivated.",
    "Đơn vị đề nghị": "Nominating unit",
    "Được giao việc": "Task assigned",
    "Được Hội đồng đề nghị?": "Proposed by the council?",
    "được khen thưởng": "awarded",
    "Đạt danh hiệu Lao động tiên tiến năm %(y)s": "Advanced Worker in %(y)s",
    "Đầy đủ": "Complete",
    "Đặt bpmn_demo_url để xem sơ đồ.": "Set bpmn_demo_url to see a diagram.",
    "Đến hạn": "Due today",
    "Địa chỉ thư không hợp lệ.": "Invalid e-mail address.",
    "Địa điểm": "Place",
    "Đối tượng": "Nominee",
    "Đối tượng phù hợp với danh hiệu %(name)s": "The nominee fits the title %(name)s",
    "Đối tượng đã thay đổi.": "The item has changed.",
    "Đồng ý": "Agree",
    "Đồng ý đề nghị": "Agree to propose",
    "Đổi hạn xử lý": "Due dates changed",
    "Đột xuất": "Ad hoc",
    "Đợt thi đua": "Campaign",
    "Đủ điều kiện": "Eligible",
    "Đủ điều kiện (kiểm tra tự động)": "Eligible (automatic check)",
    "đang do %(name)s xử lý": "held by %(name)s",
    "đợt thi đua năm 2025": "2025 campaign",
    "Đủ điều kiện hoặc được cho phép": "Eligible or allowed",
    "Đủ điều kiện?": "Eligible?",
    "Ủy viên": "Member",
    "— Chọn —": "— Choose —",
    # The administration pages (issue 8).
    "Bắt buộc với vai trò của đơn vị (cán bộ TĐKT, trưởng đơn vị).": (
        "Required for unit roles (unit clerk, unit head)."
    ),
    "Bỏ khỏi nhiệm kỳ": "Remove from the term",
    "Chuyển các quy trình đã chọn sang phiên bản này?": (
        "Move the selected instances to this version?"
    ),
    "Chuyển phiên bản": "Migrate",
    "Chuyển quy trình đang chạy sang phiên bản này": "Move running instances to this version",
    "Chuyển đơn vị": "Change unit",
    "Chuyển được": "Can move",
    "Chưa có phiên bản nào.": "No version deployed yet.",
    "Chưa có thay đổi nào.": "No changes yet.",
    "Chưa có vai trò.": "No roles yet.",
    "Chưa triển khai bảng quyết định (DMN) nào.": "No decision table (DMN) deployed yet.",
    "Chọn quy trình": "Select instance",
    "Chức danh": "Position",
    "Các phiên bản đã triển khai": "Deployed versions",
    "Các phong trào": "Campaigns",
    "Các tháng": "Months",
    (
        "Các việc đang mở dưới đây sẽ không còn ai xử lý được nếu tài khoản "
        "ngừng hoạt động. Chọn người nhận cho từng việc; người nhận chưa có vai"
        " trò của bước sẽ được cấp vai trò đó."
    ): (
        "Nobody could act on the open tasks below once this account is "
        "deactivated. Choose who takes each one; a successor without the step's"
        " role is given that role."
    ),
    "Căn cứ": "Authority",
    "Căn cứ (điều khoản)": "Legal source (article)",
    "Cấp vai trò": "Grant role",
    "Danh hiệu, hình thức mở trong đợt": "Titles and forms open in the campaign",
    "Danh sách người dùng": "Users",
    "Danh sách đơn vị": "Units",
    "Giá trị": "Value",
    (
        "Hạn xử lý của các việc đang mở bị ảnh hưởng sẽ được tính lại và người "
        "xử lý được thông báo."
    ): "Due dates of the open tasks affected are recounted and their holders are told.",
    "Hạn đăng ký / gửi hồ sơ": "Registration / nomination deadline",
    "Hội đồng Thi đua – Khen thưởng": "Emulation and Commendation Council",
    "Hội đồng TĐKT": "Council",
    "Không chuyển được": "Cannot move",
    "Không có quy trình nào đang chạy ở phiên bản khác.": "No instance runs on another version.",
    "Không triển khai được; không có gì thay đổi.": "Not deployed; nothing changed.",
    "Kiểm tra": "Check",
    "Kiểm tra giống lệnh tdkt deploy. Các quy trình đang chạy vẫn ở phiên bản của chúng.": (
        "Checked exactly as by tdkt deploy. Running instances stay on their versions."
    ),
    "Kết quả kiểm tra": "Check result",
    "Loại": "Kind",
    "Lưu": "Save",
    "Lưu bản nháp": "Save draft",
    "Lưu thang nhắc": "Save ladder",
    "Lưu thông số": "Save figure",
    "Lịch làm việc": "Working calendar",
    "Lịch làm việc năm": "Working calendar of",
    "Lịch sử thay đổi": "Change history",
    "Mã": "Code",
    "Mã bước (element id) có thang riêng": "Step (element id) with its own ladder",
    "Mã đơn vị": "Unit code",
    "Mật khẩu mới": "New password",
    "Mục quản trị": "Administration sections",
    "Ngày": "Day",
    "Ngày bắt đầu": "Start date",
    "Ngày kết thúc": "End date",
    "Ngày làm việc": "Working day",
    "Ngày nghỉ": "Day off",
    "Ngày nghỉ lễ, nghỉ bù và điều chỉnh": "Holidays, make-up days and overrides",
    "Người dùng": "Users",
    "Người đặt, lúc": "Set by, at",
    "Ngừng hoạt động": "Deactivate",
    "Ngừng hoạt động tài khoản": "Deactivate the account",
    "Ngừng hoạt động đơn vị này?": "Deactivate this unit?",
    (
        "Những thay đổi trong năm không cần đến lập trình viên; mỗi thay đổi được ghi vào nhật ký."
    ): "The year's changes, without a developer; every change is recorded in the audit trail.",
    "Phiên bản": "Version",
    "Phiên bản hiện tại": "Current version",
    "Phiên bản quy trình": "Workflow versions",
    "Phong trào thi đua": "Campaigns",
    "Phát động": "Open",
    "Phát động và thông báo tới mọi đơn vị?": "Open the campaign and notify every unit?",
    "Phạm vi đơn vị": "Unit scope",
    "Phần tử": "Element",
    "Quy trình": "Process",
    "Quy tắc": "Rules",
    "Quy tắc theo căn cứ pháp lý": "Rules by legal basis",
    "Quyết định số": "Decision no.",
    "Số in đậm: ngày không làm việc (cuối tuần, nghỉ lễ, ngày nghỉ thêm).": (
        "Bold: days off (weekends, public holidays, extra days off)."
    ),
    "Số quyết định thành lập": "Founding decision no.",
    "Sửa nhiệm kỳ": "Edit term",
    "Thang nhắc (JSON)": "Reminder ladder (JSON)",
    "Thang nhắc việc": "Reminder ladders",
    "Thu hồi": "Revoke",
    "Thành viên": "Member",
    "Tháng": "Month",
    "Thêm": "Add",
    "Thêm / đổi chức danh": "Add / change position",
    "Thêm người dùng": "Add user",
    "Thêm nhiệm kỳ": "Add term",
    "Thêm thang nhắc": "Add ladder",
    "Thêm đơn vị": "Add unit",
    "Thông số": "Figure",
    "Thông số do cơ quan quy định": "Figures set by the agency",
    "Thường trực Hội đồng quản lý phong trào thi đua và lịch làm việc.": (
        "The council secretariat manages campaigns and the working calendar."
    ),
    "Thời gian": "Period",
    "Thời hạn": "Limit",
    "Thời hạn từng bước (ngày làm việc)": "Step limits (working days)",
    "Triển khai": "Deploy",
    "Triển khai lúc": "Deployed at",
    "Triển khai tệp BPMN/DMN": "Deploy BPMN/DMN files",
    "Trạng thái": "Status",
    "Tài khoản không giữ việc nào mà chỉ mình họ xử lý được.": (
        "The account holds no task that only they can act on."
    ),
    "Tên": "Name",
    "Tên / ghi chú": "Name / note",
    "Tên nhiệm kỳ": "Term name",
    "Tên đơn vị": "Unit name",
    "Tên, đơn vị cấp trên": "Name, parent unit",
    "Tạo phong trào": "Create campaign",
    "Tạo tài khoản": "Create account",
    "Tệp": "Files",
    "Tệp .bpmn / .dmn (chọn được nhiều tệp)": ".bpmn / .dmn files (several allowed)",
    "Vai trò": "Roles",
    "hiện hành": "current",
    "nay": "now",
    "phiên bản": "version",
    "Đang chạy": "Running",
    "Đang hoạt động": "Active",
    (
        "Điền cho các dòng chưa xác nhận của bảng biểu quyết và cho tỷ lệ Chiến"
        " sĩ thi đua cơ sở; quy định của luật (dòng đã xác nhận) luôn được ưu "
        "tiên."
    ): (
        "Fills the vote table's unconfirmed rows and the grassroots emulation "
        "fighter quota; what the law fixes (confirmed rows) always wins."
    ),
    "Điều chỉnh một ngày": "Change one day",
    "Đơn vị cấp trên": "Parent unit",
    "Đặt lại": "Reset",
    "Đặt lại mật khẩu": "Reset password",
    (
        "Đặt trong quy trình (thuộc tính dueWorkingDays); thay đổi bằng cách "
        "triển khai phiên bản mới."
    ): ("Set in the procedure (dueWorkingDays property); change them by deploying a new version."),
    "điều chỉnh": "override",
    "— Không có —": "— None —",
    "%(agree)s đồng ý, %(disagree)s không đồng ý / %(members)s thành viên": (
        "%(agree)s agree, %(disagree)s disagree / %(members)s members"
    ),
    "Bỏ phiếu kín: mỗi phiếu chỉ gửi một lần; không ai xem được phiếu của người khác.": (
        "Secret ballot: each ballot is sent once; nobody can see anyone else's votes."
    ),
    "Cho phép ngoại lệ": "Allow an exception",
    "Cho phép ngoại lệ về điều kiện": "Eligibility exception allowed",
    "Chưa có đợt thi đua nào.": "There is no campaign yet.",
    "Chưa đủ điều kiện — dừng": "Not eligible — stopped",
    (
        "Chọn các hồ sơ đã qua công khai để đưa vào phiếu bầu của phiên họp. Mỗi thành "
        "viên sẽ nhận một phiếu liệt kê tất cả hồ sơ."
    ): (
        "Choose the dossiers that have been posted to put on the session's ballot. Every "
        "member gets one ballot listing all of them."
    ),
    "Chọn ít nhất một hồ sơ.": "Choose at least one dossier.",
    "Chọn đợt": "Choose campaign",
    "Chọn đợt thi đua.": "Choose a campaign.",
    "Chờ cấp trên quyết định": "Awaiting the higher level",
    "Cá nhân cho danh hiệu cá nhân; đơn vị (tập thể) cho danh hiệu tập thể.": (
        "A person for individual titles; the unit (collective) for collective titles."
    ),
    "Căn cứ pháp lý của đợt: %(basis)s": "Legal basis of the campaign: %(basis)s",
    "Cấp trên không khen thưởng": "Not awarded by the higher level",
    "Huỷ": "Cancel",
    "Hết thời hạn (hẹn giờ của quy trình)": "Time limit reached (procedure timer)",
    "Hồ sơ chưa đủ điều kiện sẽ được xét tiếp; lý do được ghi vào lịch sử hồ sơ.": (
        "The ineligible dossier goes on; the reason is recorded in its history."
    ),
    "Hồ sơ chờ họp Hội đồng": "Dossiers waiting for the council",
    "Hội đồng không đề nghị": "Not selected by the council",
    "Không có hồ sơ nào chờ họp Hội đồng trong đợt này.": (
        "No dossier of this campaign is waiting for the council."
    ),
    "Không tham gia biểu quyết": "Recuse (does not vote)",
    "Kết quả họp Hội đồng": "Council result",
    "Kết thúc quy trình": "Procedure ended",
    "Lý do cho phép ngoại lệ": "Reason for the exception",
    "Lý do rút hồ sơ": "Reason for withdrawing",
    "Lập hồ sơ": "File dossier",
    "Lập hồ sơ đề nghị": "File a nomination dossier",
    (
        "Một hồ sơ = một đối tượng × một danh hiệu × một đợt thi đua. Sau khi lập, hồ sơ "
        "vào bước «Chuẩn bị hồ sơ» trong hộp việc của đơn vị."
    ): (
        "One dossier = one nominee × one title × one campaign. Once filed, it waits in "
        "the unit's inbox at “Prepare the dossier”."
    ),
    "Mở phiên họp": "Open the session",
    "Nhận kết quả / thông báo": "Result or notice received",
    "Nhập ngày họp (dd/mm/yyyy).": "Enter the meeting date (dd/mm/yyyy).",
    (
        "Nhập đúng phiếu thành viên đã gửi. Hồ sơ để trống là phiếu trắng; nếu không nhận"
        " được phiếu, để trống tất cả."
    ): (
        "Enter exactly the ballot the member sent. A dossier left empty is a blank vote; "
        "if no ballot came back, leave them all empty."
    ),
    "Phiên họp Hội đồng": "Council session",
    "Phiếu bầu này đã được gửi. Kết quả chỉ được công bố dưới dạng tổng hợp trong biên bản họp.": (
        "This ballot has been sent. Results are published only as totals in the minutes."
    ),
    "Phiếu bằng văn bản của thành viên vắng mặt: %(name)s": (
        "Written ballot of an absent member: %(name)s"
    ),
    "Rút hồ sơ": "Withdraw dossier",
    "Rút hồ sơ này? Không hoàn tác được.": "Withdraw this dossier? This cannot be undone.",
    "Thao tác với hồ sơ": "Dossier actions",
    "Tập thể: %(name)s": "Collective: %(name)s",
    (
        "Với mỗi hồ sơ chọn một ý kiến. Chọn «Không tham gia biểu quyết» khi bạn có xung "
        "đột lợi ích với hồ sơ."
    ): ("Choose one vote for every dossier. Choose “Recuse” when you have a conflict of interest."),
    "Đang xét": "Under consideration",
    "Đã cho phép ngoại lệ": "Exception allowed",
    "Đã cho phép ngoại lệ; hồ sơ được xét tiếp.": "Exception allowed; the dossier goes on.",
    "Đã huỷ": "Cancelled",
    "Đã kết thúc": "Ended",
    "Đã lập hồ sơ #%(id)s: %(name)s.": "Dossier #%(id)s filed: %(name)s.",
    "Đã mở phiên họp ngày %(day)s với %(n)s hồ sơ.": (
        "Session of %(day)s opened with %(n)s dossiers."
    ),
    "Đã rút hồ sơ.": "Dossier withdrawn.",
    "Đã được khen thưởng": "Awarded",
    "Đơn vị chỉ rút được hồ sơ trước khi Hội đồng có kết quả.": (
        "A unit can withdraw a dossier only before the council has its result."
    ),
    "Đưa vào phiếu": "On the ballot",
    "Được đề nghị": "Selected",
    "Đối tượng đề nghị": "Nominee",
    # The dashboard, documents, awards and notifications pages.
    "(chưa đọc)": "(unread)",
    "Biên bản họp Hội đồng TĐKT": "Council meeting minutes",
    "Chưa có hồ sơ.": "No dossiers yet.",
    "Chưa có khen thưởng trong kỳ.": "No awards in this period.",
    "Chưa có thông báo nào.": "No notifications yet.",
    "Chưa có văn bản nào được tạo nền.": "No documents made in the background yet.",
    "Các dòng lỗi": "Rows with errors",
    "Cách nhận thư": "How to receive email",
    "Cộng": "Total",
    "Dòng": "Row",
    "Gửi lại": "Resend",
    "Họ tên / Tên tập thể": "Name of person / collective",
    "Họ tên / tên tập thể": "Name of person / collective",
    "Hồ sơ theo bước và đơn vị": "Dossiers by step and unit",
    "Không chọn: nếu có dòng lỗi thì không nhập dòng nào.": (
        "Unticked: if any row has an error, no row is imported."
    ),
    "Không có dữ liệu.": "No data.",
    "Không có thư nào gửi lỗi.": "No failed emails.",
    "Không có việc quá hạn.": "No overdue tasks.",
    "Không tìm thấy khen thưởng nào.": "No awards found.",
    "Kết quả": "Results",
    "Lý do": "Reason",
    "Lỗi cuối": "Last error",
    "Mở": "Open",
    "Ngay khi có thông báo": "As soon as there is a notification",
    "Ngày văn bản": "Document date",
    "Người nhận": "Recipient",
    "Nhận thông báo qua thư điện tử": "Receive notifications by email",
    "Nhập": "Import",
    "Nhập các dòng hợp lệ kể cả khi có dòng lỗi": (
        "Import the valid rows even if some rows have errors"
    ),
    "Nhập dữ liệu": "Import data",
    "Nhập lịch sử khen thưởng": "Import award history",
    "Nội dung": "Content",
    "Phiên họp": "Session",
    "Sơ đồ quy trình với thời gian chờ theo bước": "Procedure diagram with waiting time per step",
    "Số biên bản": "Minutes number",
    "Số lượt khen thưởng theo hình thức, năm và đối tượng": (
        "Number of awards by form, year and nominee type"
    ),
    "Số lần thử": "Attempts",
    "Số văn bản": "Document number",
    "Theo danh hiệu, hình thức": "By title and form of award",
    "Thư gửi lỗi": "Failed emails",
    "Thư tổng hợp mỗi ngày": "One daily digest email",
    "Thư điện tử gửi lỗi": "Failed emails",
    "Thống kê": "Statistics",
    "Thống kê khen thưởng": "Award statistics",
    "Thời gian chờ trung vị (ngày làm việc)": "Median waiting time (working days)",
    "Thời gian chờ trên sơ đồ quy trình": "Waiting time on the procedure diagram",
    "Thời gian tính bằng ngày làm việc; kỳ thống kê": "Times in working days; reporting period",
    "Thời gian xử lý theo bước": "Handling time per step",
    "Tiến độ": "Progress",
    "Tiến độ đợt thi đua": "Campaign progress",
    "Tra cứu": "Search",
    "Tra cứu khen thưởng": "Award search",
    "Trung vị (ngày làm việc) của các việc hoàn thành trong kỳ; vạch đỏ là hạn của bước": (
        "Median (working days) of the tasks completed in the period; the red line is the step's"
        " deadline"
    ),
    "Tìm không cần gõ dấu: “nguyen van” tìm được “Nguyễn Văn”.": (
        "Search works without diacritics: “nguyen van” finds “Nguyễn Văn”."
    ),
    "Tạo biên bản": "Create minutes",
    "Tạo từ mẫu của cơ quan (thư mục workflows/templates). Trên": (
        "Made from the agency's templates (folder workflows/templates). Above"
    ),
    "Tạo văn bản": "Create document",
    "Tải Excel": "Download Excel",
    (
        "Tệp .xlsx hoặc .csv (UTF-8); dòng 1 là tiêu đề cột: Họ tên / Tên tập thể, Loại, Đơn vị,"
        " Danh hiệu, Năm, Số quyết định, Ngày quyết định, Cơ quan ban hành."
    ): (
        "An .xlsx or .csv (UTF-8) file; row 1 holds the column headings, in Vietnamese: Họ tên /"
        " Tên tập thể, Loại, Đơn vị, Danh hiệu, Năm, Số quyết định, Ngày quyết định, Cơ quan ban"
        " hành."
    ),
    "Tệp / tiến độ": "File / progress",
    "Tệp dữ liệu": "Data file",
    "Tổng hợp tình hình xử lý hồ sơ": "Dossier handling overview",
    "Tờ trình, danh sách, quyết định": "Submissions, lists, decisions",
    "Từ ngày": "From date",
    "Từ năm": "From year",
    "Việc quá hạn": "Overdue tasks",
    "Văn bản": "Documents",
    "Văn bản khen thưởng": "Award documents",
    "Văn bản đã yêu cầu": "Requested documents",
    "Xem": "View",
    "Yêu cầu lúc": "Requested at",
    "dòng": "rows",
    "dòng lỗi không nhập": "rows with errors not imported",
    "dòng lỗi: chưa nhập dòng nào. Sửa tệp rồi nhập lại, hoặc chọn nhập các dòng hợp lệ.": (
        "rows with errors: no row was imported. Fix the file and import it again, or choose to"
        " import the valid rows."
    ),
    "dòng đã có từ trước": "rows already there",
    "hồ sơ": "dossiers",
    "hồ sơ thì văn bản được tạo nền, trang hiển thị tiến độ.": (
        "dossiers the document is made in the background and the page shows its progress."
    ),
    "ngày LV": "working days",
    "trong đợt đã chọn": "in the chosen campaign",
    "Đánh dấu tất cả là đã đọc": "Mark all as read",
    "Đã nhập": "Imported",
    (
        "Đăng ký → đơn vị đã đề nghị → đã có kết quả (quyết định hoặc không đạt) → được khen"
        " thưởng."
    ): "Registered → nominated by the unit → result known (decision or not passed) → awarded.",
    "Được khen thưởng": "Awarded",
    "Đến ngày": "To date",
    "Đến năm": "To year",
    "Phiên đăng nhập": "Sessions",
    "Đăng nhập lúc %(start)s, hoạt động lần cuối %(seen)s": (
        "Signed in %(start)s, last active %(seen)s"
    ),
    "Không có phiên nào đang mở.": "No open sessions.",
    "Đăng xuất khỏi mọi nơi": "Sign out everywhere",
}
EN_PLURAL: dict[str, tuple[str, str]] = {
    "Đã nhận %(num)d việc.": ("Claimed %(num)d task.", "Claimed %(num)d tasks."),
}


def main() -> int:
    POT.parent.mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "-o",
            str(POT),
            "--no-location",
            "--sort-output",
            "--omit-header",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with POT.open("rb") as handle:
        catalog = read_po(handle, locale="en", domain="messages")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            plural = EN_PLURAL.get(message.id[0])
            if plural:
                message.string = plural
            else:
                missing.append(message.id[0])
        elif message.id in EN:
            message.string = EN[message.id]
        else:
            missing.append(message.id)
    catalog.project, catalog.version = "TĐKT Flow", "1"
    catalog.fuzzy = False
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, width=100)
    with PO.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    for message_id in missing:
        print(f"untranslated: {message_id}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
