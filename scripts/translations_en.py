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
    "Biểu mẫu": "Forms",
    "Biểu đồ thời gian chờ": "Waiting time chart",
    "Bình xét": "Unit review",
    "Bình xét tại đơn vị": "Unit review",
    "Bước": "Step",
    "Bước hiện tại": "Current step",
    "Bạn không có quyền thực hiện thao tác này.": "You are not allowed to do this.",
    "Bạn đã gửi phiếu bầu này. Kết quả chỉ được công bố dưới dạng tổng hợp trong biên bản họp.": (
        "You have sent this ballot. Results are published only as totals in the minutes."
    ),
    "Bảng": "Tables",
    "Bắt đầu quy trình": "Procedure started",
    "Bỏ phiếu kín: mỗi thành viên chỉ gửi một lần; không ai xem được phiếu của người khác.": (
        "Secret ballot: each member sends once; nobody can see another member's votes."
    ),
    "Chi tiết và lịch sử": "Details and history",
    "Chuyển đến nội dung chính": "Skip to main content",
    "Chuẩn bị hồ sơ": "Preparing the dossier",
    "Chưa chọn tệp.": "No file chosen.",
    "Chưa có sự kiện nào.": "No events yet.",
    "Chưa có tiến trình nền nào báo nhịp.": "No background process has reported a heartbeat yet.",
    "Chưa có tệp đính kèm.": "No attachments yet.",
    "Chưa có ý kiến.": "No comments yet.",
    "Chưa kiểm tra": "Not checked yet",
    "Chưa nhập tóm tắt thành tích.": "The achievement summary is missing.",
    "Chưa đủ điều kiện": "Not eligible",
    "Chọn": "Select",
    "Chọn một phương án.": "Choose one option.",
    "Chọn việc": "Select task",
    "Chờ (ngày)": "Waiting (days)",
    "Chờ quyết định": "Awaiting decision",
    "Chờ từ": "Waiting since",
    "Chức vụ": "Position",
    "Chữ phụ (.muted) vẫn đạt tương phản AA.": "Secondary text (.muted) still meets AA contrast.",
    "Chữ và dấu tiếng Việt": "Vietnamese text and diacritics",
    "Các thành phần dùng chung: chép đúng cấu trúc HTML dưới đây.": (
        "Shared components: copy the HTML structure below exactly."
    ),
    "Còn 2 ngày làm việc đến hạn.": "2 working days left.",
    "Còn hạn": "On time",
    "Công khai": "Public posting",
    "Căn cứ pháp lý": "Legal basis",
    "Cấp trên yêu cầu bổ sung": "Supplement requested",
    "Cần đăng nhập hoặc mã truy cập (token).": "Log in or send an access token.",
    "Danh hiệu": "Title",
    "Danh hiệu / hình thức": "Title / form",
    "Danh hiệu đề nghị": "Proposed title",
    "Danh sách hồ sơ trong phiên họp": "Dossiers of the session",
    "Duyệt": "Approve",
    "Dự phòng": "Stand-by",
    "Giai đoạn": "Stage",
    "Giai đoạn hồ sơ": "Dossier stages",
    "Giao lại việc": "Task reassigned",
    "Giữ khóa lập lịch": "Holds the schedule lock",
    "Gửi": "Send",
    "Gửi phiếu": "Send ballot",
    "Gửi phiếu bầu? Sau khi gửi không sửa được.": "Send the ballot? It cannot be changed after.",
    "Gửi ý kiến": "Send comment",
    "Hoàn thành": "Complete",
    "Hoàn thành bước": "Step completed",
    "Huỷ quy trình": "Procedure cancelled",
    "Hàng đợi / khóa": "Queues / lock",
    "Hàng đợi": "Queues",
    "Hạn": "Due",
    "Hạn xử lý": "Due date",
    "Họ và tên": "Full name",
    "Họp Hội đồng": "Council session",
    "Hồ sơ": "Dossiers",
    "Hồ sơ đang chờ Hội đồng họp.": "The dossier awaits the council session.",
    "Hồ sơ đang xử lý": "Dossiers in progress",
    "Hồ sơ đề nghị khen thưởng": "Nomination dossiers",
    "In": "Print",
    "Không có bước nào đang chờ xử lý.": "No step is waiting.",
    "Không có hồ sơ nào.": "No dossiers.",
    "Không có quyền": "Not allowed",
    "Không có việc nào.": "No tasks.",
    "Không dùng được": "Disabled",
    "Không hiển thị được sơ đồ quy trình.": "The process diagram cannot be shown.",
    "Không kết nối được Redis: %(error)s": "Cannot reach Redis: %(error)s",
    "Không thực hiện được": "Could not be done",
    "Không tìm thấy": "Not found",
    "Không tìm thấy trang hoặc đối tượng yêu cầu.": "The page or item was not found.",
    "Không được đề nghị": "Not proposed",
    "Không đồng ý": "Disagree",
    "Kiểm tra điều kiện": "Eligibility check",
    "Kết quả kiểm tra điều kiện": "Eligibility result",
    "Lưu nháp": "Save draft",
    "Lịch sử xử lý": "History",
    "Lọc": "Filter",
    "Lỗi": "Error",
    "Máy": "Host",
    "Mất tín hiệu": "Lost",
    "Mẫu giao diện": "Style guide",
    "Mật khẩu": "Password",
    "Mật khẩu của mọi tài khoản:": "Password of every account:",
    "Ngày họp": "Meeting date",
    "Ngày họp bình xét tại đơn vị.": "Date of the unit's review meeting.",
    "Ngôn ngữ": "Language",
    "Nhận các việc đã chọn": "Claim selected tasks",
    "Nhận việc": "Claim",
    "Nhập mật khẩu.": "Enter the password.",
    "Nhập tên đăng nhập.": "Enter the username.",
    "Nhịp gần nhất (giây trước)": "Last heartbeat (seconds ago)",
    "Nhỏ": "Small",
    "Nút": "Buttons",
    "Năm": "Year",
    "Nơi lưu tệp": "File store",
    "Phiên bản cơ sở dữ liệu": "Database revision",
    "Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại.": (
        "Your session expired; reload the page and try again."
    ),
    "Phiếu bầu": "Ballot",
    "Phiếu bầu này đã được gửi trước đó.": "This ballot was already sent.",
    "Phiếu bầu: Nguyễn Văn Hùng": "Ballot: Nguyễn Văn Hùng",
    "Phân trang": "Pagination",
    "Phương thức không được hỗ trợ.": "Method not allowed.",
    "Quyết định": "Decision",
    "Quá hạn": "Overdue",
    "Quản trị": "Administration",
    "Sau": "Next",
    "Sơ đồ quy trình": "Process diagram",
    "Sắp đến hạn": "Due soon",
    "Số liệu": "Figures",
    "Số sáng kiến được công nhận": "Recognised initiatives",
    "Thao tác": "Actions",
    "Thao tác quá nhiều lần, vui lòng thử lại sau.": "Too many attempts; try again later.",
    "Thư chờ gửi": "Emails waiting",
    "Tiến trình nền": "Background processes",
    "Tiến trình": "Process",
    "Tình trạng hệ thống": "System status",
    "mới nhất: %(head)s": "newest: %(head)s",
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
    "Đơn vị nộp hồ sơ": "The unit submitted the dossier",
    "Đơn vị đề nghị": "Nominating unit",
    "Đặt bpmn_demo_url để xem sơ đồ.": "Set bpmn_demo_url to see a diagram.",
    "Đối tượng": "Nominee",
    "Đối tượng đã thay đổi.": "The item has changed.",
    "Đồng ý": "Agree",
    "Độ trễ hẹn giờ (giây)": "Timer lag (seconds)",
    "Đợt thi đua": "Campaign",
    "Đủ điều kiện": "Eligible",
    "Đủ điều kiện (kiểm tra tự động)": "Eligible (automatic check)",
    "đang do %(name)s xử lý": "held by %(name)s",
    "đợt thi đua năm 2025": "2025 campaign",
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
