"""The backlog's and the ledger's sentences: requests, drawing a week, marking visits, hours
and their redemption, the statement and the pages of both."""

from __future__ import annotations

LEDGER: dict[str, tuple[str, str]] = {
    # --- requests and drawing a week --------------------------------------------------------
    "request_resident_or_site": (
        "give exactly one of resident and site: who or where the request is for",
        "resident 与 site 须且只须填写一项：请求是为谁或为哪个地点",
    ),
    "request_window_days": (
        "a request's window names weekdays (days: [mon, ...]), not a date: it recurs every week",
        "请求的时间窗应写星期几（days: [mon, ...]），不能写日期：它每周都会重复",
    ),
    "request_window_short": (
        "the window is shorter than the request's {minutes} minutes",
        "该时间窗短于请求所需的 {minutes} 分钟",
    ),
    "kind_request": ("request", "请求"),
    "request_exists": (
        "a request '{id}' exists already (a withdrawn one keeps its id); choose another id",
        "请求 '{id}' 已存在（已撤回的请求仍占用该 id）；请换一个 id",
    ),
    "request_withdrawn": (
        "request '{id}' was withdrawn; record a new request instead",
        "请求 '{id}' 已撤回；请另行登记新的请求",
    ),
    "draw_week_gone": (
        "the week of {week} is before this week ({this_week}) and the area has no week yet: a "
        "draw does not create a week gone by; draw this week or a later one",
        "{week} 这一周早于本周（{this_week}），且本区域还没有任何一周：抽取不能新建已过去的一周；"
        "请抽取本周或以后的一周",
    ),
    "draw_week_gone_first": (
        "the week of {week} is before this week ({this_week}) and before the area's first "
        "week ({first}): a draw does not create a week that far back; check the date, or "
        "import that week's scenario if it is meant",
        "{week} 这一周早于本周（{this_week}），也早于本区域的第一周（{first}）：抽取不能新建"
        "这么早的一周；请核对日期，如确有需要，请先导入该周的场景",
    ),
    "draw_contended": (
        "the week of {week} kept changing while it was drawn; draw it again",
        "抽取期间 {week} 这一周的任务不断变化；请再抽取一次",
    ),
    "bad_month": ("must be a month YYYY-MM, got {got!r}", "应为月份 YYYY-MM，实际为 {got!r}"),
    "bad_instant": (
        "must be a time ISO 8601 with its offset (2026-11-30T09:05:00+08:00), got {got!r}",
        "应为带时差的 ISO 8601 时间（2026-11-30T09:05:00+08:00），实际为 {got!r}",
    ),
    # --- after the visit --------------------------------------------------------------------
    "visit_end_before_start": (
        "the actual end must come after the actual start",
        "实际结束时间应晚于实际开始时间",
    ),
    "visit_actual_off_day": (
        "must fall on the visit's day, {day} (planned {start}-{end}), got {got}",
        "必须在该次探访当天（{day}，计划 {start}-{end}），实际为 {got}",
    ),
    "visit_actual_to_come": (
        "must not be later than now ({now}), got {got}",
        "不能晚于现在（{now}），实际为 {got}",
    ),
    "visit_actual_past_planned": (
        "with one actual time given, the other is the planned one ({start}-{end} on {day}): "
        "{got} leaves no time between them; give both actual times",
        "只给出一个实际时间时，另一个按计划时间（{day} {start}-{end}）计："
        "{got} 使两者之间没有时长；请同时填写实际开始与结束时间",
    ),
    "decline_marked": (
        "visit {id} is marked {state}: it cannot be declined now; undo the mark first",
        "探访 {id} 已标记为{state}：现在不能婉拒；请先撤销标记",
    ),
    "absence_over_marked": (
        "visit {id} ({task}, {start}) is marked {state}: an absence cannot cover it; undo the "
        "mark first, or let the absence start after it",
        "探访 {id}（{task}，{start}）已标记为{state}：请假不能覆盖它；请先撤销标记，或让请假"
        "从它之后开始",
    ),
    "accept_moved": (
        "visit {id} was moved to {start} after the page you answered on was loaded: nothing "
        "was accepted; look at it again",
        "探访 {id} 在您打开页面之后已改到 {start}：未确认任何内容；请重新查看",
    ),
    "publish_moves_marked": (
        "plan {plan} would change visits already marked done or missed: {visits}; a new plan "
        "must keep such a visit with its volunteer at its time (the hours ledger counts it "
        "so); undo the mark first to let it change",
        "计划 {plan} 会改动已标记完成或未成行的探访：{visits}；"
        "新计划必须保留这样的探访（同一志愿者、同一时间，时间银行按此记账）；如需改动，请先撤销标记",
    ),
    "publish_marked_visit": (
        "{id} ({task}, {volunteer}, {state})",
        "{id}（{task}，{volunteer}，{state}）",
    ),
    "plan_marked_unkept": (
        "this week can no longer keep visits already marked done or missed: {visits}; a new "
        "plan keeps each with its volunteer at its time (the hours ledger counts it so): undo "
        "the mark, or put the week back as it was, then make a plan again",
        "本周已无法保留已标记完成或未成行的探访：{visits}；新计划须保留这样的探访"
        "（同一志愿者、同一时间，时间银行按此记账）：请先撤销标记，或将本周改回原样，再重新制定计划",
    ),
    "task_delete_marked": (
        "task {task} has visits already marked done or missed: {visits}; the hours ledger "
        "counts them as they were, so the task stays: undo the mark first to delete it",
        "任务 {task} 有已标记完成或未成行的探访：{visits}；时间银行按此记账，任务因此保留："
        "如需删除，请先撤销标记",
    ),
    "tasks_replace_marked": (
        "the new tasks leave out visits already marked done or missed: {visits}; the hours "
        "ledger counts them as they were, so nothing was stored: keep their tasks in the new "
        "tasks, or undo the mark first",
        "新任务中缺少已标记完成或未成行的探访：{visits}；时间银行按此记账，因此未作任何保存："
        "请在新任务中保留这些任务，或先撤销标记",
    ),
    "marked_unkept": ("{visit}: {why}", "{visit}：{why}"),
    "marked_grown_unfilled": (
        "the task now needs {people} people, and no one else can join its volunteer at that time",
        "该任务现在需要 {people} 人，而该时间没有其他人能与其志愿者一同前往",
    ),
    "marked_grown_apart": (
        "its visit marked {state} ({volunteers}, {when}) stays as it was and counts in the hours "
        "ledger, but the task now needs {people} people and no one else can join at that time, "
        "so the task as it now stands is not served ({why}): set its needs back, or add it "
        "again as a new task for the extra people",
        "其已标记为{state}的探访（{volunteers}，{when}）保持不变，并计入时间银行；但该任务现在需要 "
        "{people} 人，该时间没有其他人能一同前往，因此按现在的要求该任务未能安排（{why}）："
        "请把需求改回原样，或为另需的人手另建一项新任务",
    ),
    "marked_no_crew": (
        "its volunteer can no longer serve it as the week now stands (a skill, team, "
        "language, the hours or the distance changed, or another pinned or marked visit "
        "takes that time)",
        "按本周现状，其志愿者已无法承担该任务（技能、队伍、语言、时长或距离有变，"
        "或同一时间另有固定或已标记的探访）",
    ),
    "marked_task_gone": ("{visit}: its task is no longer in the week", "{visit}：其任务已不在本周"),
    "marked_gone": ("volunteer {id} is no longer on the roster", "志愿者 {id} 已不在名册中"),
    "marked_not_available": (
        "volunteer {id} is no longer available at that time on the roster",
        "按名册，志愿者 {id} 在该时间已不可用",
    ),
    "marked_outside_windows": (
        "its start is no longer within the task's time windows",
        "其开始时间已不在任务的时间窗内",
    ),
    "marked_length": (
        "the task now lasts {minutes} minutes, not as long as the visit",
        "该任务现需 {minutes} 分钟，与该探访时长不同",
    ),
    "outcome_done": ("done", "已完成"),
    "outcome_missed": ("missed", "未成行"),
    "outcome_unmarked": ("unmarked", "已撤销标记"),
    # an assignment's state, as a sentence about marking a visit says it
    "assignment_state_pending": ("given, not yet answered", "已分配、尚未答复"),
    "assignment_state_accepted": ("accepted", "已确认"),
    "assignment_state_declined": ("declined", "已婉拒"),
    "assignment_state_withdrawn": ("withdrawn", "已撤回"),
    "assignment_state_not_given": ("no longer given", "已不再分配"),
    "visit_not_yet": (
        "visit {id} starts at {start}: mark it once it has begun",
        "探访 {id} 于 {start} 开始：请在开始之后再标记",
    ),
    "visit_not_markable": (
        "visit {id} is {state} in the published plan: only a visit given and not declined "
        "can be marked done or missed",
        "探访 {id} 在已发布的计划中为 {state}：只有已分配且未被谢绝的探访才能标记为完成或未成行",
    ),
    # --- the hours ledger -------------------------------------------------------------------
    "redeem_not_positive": (
        "redeem a number of minutes above 0, got {minutes}",
        "兑换的分钟数应大于 0，实际为 {minutes}",
    ),
    "redeem_too_much": (
        "cannot redeem {minutes} minutes: the balance is {balance} minutes",
        "无法兑换 {minutes} 分钟：余额只有 {balance} 分钟",
    ),
    "redeem_not_household": (
        "request '{request}' is not for the household of volunteer '{volunteer}' "
        "(its household_of says whose it is)",
        "请求 '{request}' 不是为志愿者 '{volunteer}' 的家庭登记的（由其 household_of 指明）",
    ),
    "request_status_open": ("open", "待办"),
    "request_status_served": ("served", "已办结"),
    "request_status_withdrawn": ("withdrawn", "已撤回"),
    "request_status_overdue": ("overdue", "已逾期"),
    # --- the command line -------------------------------------------------------------------
    "cli_request_added": (
        "request {id} recorded (its weekly task: {task})",
        "已登记请求 {id}（每周任务：{task}）",
    ),
    "cli_request_withdrawn": (
        "request {id} withdrawn; its task removed from the weeks: {weeks}",
        "请求 {id} 已撤回；已从以下各周删除其任务：{weeks}",
    ),
    "cli_drawn_task": ("  {task}\twaited {weeks:plural:week:weeks}", "  {task}\t已等待 {weeks} 周"),
    "cli_overdue": (" (overdue)", "（已逾期）"),
    "draw_kept_published": (
        "request {request} changed since task '{task}' was drawn into this week, and the "
        "published plan gives that task visits: the week keeps it as drawn (its volunteers' "
        "visits stay true); to change this week's visit, change task '{task}' on the week (the "
        "plan is repaired and its volunteers told); later weeks draw the request as it is now",
        "请求 {request} 在任务“{task}”被抽入本周后已修改，"
        "而已发布的计划中有该任务的上门安排：本周保留抽取时的任务"
        "（志愿者看到的安排仍然成立）；如需修改本周的上门安排，请在本周任务中修改“{task}”"
        "（计划会随之修复并通知相关志愿者）；以后各周会按修改后的请求抽取",
    ),
    "cli_drawn": (
        "week of {week}: requests drawn {drawn}, served before {served}, overdue {overdue}, "
        "could not be drawn {skipped}",
        "{week} 这一周：抽取 {drawn} 个请求，{served} 个此前已办结，{overdue} 个已逾期，"
        "{skipped} 个无法抽取",
    ),
    "cli_visit_marked": (
        "visit {id}: {state}; the ledger changed by {minutes} minutes",
        "探访 {id}：{state}；时间账户变动 {minutes} 分钟",
    ),
    "cli_team_hours": ("team {team}: {hours} hours", "队伍 {team}：{hours} 小时"),
    "cli_total_hours": ("the area in all: {hours} hours", "全区合计：{hours} 小时"),
    "cli_redeemed": (
        "{minutes} minutes of {volunteer}'s hours redeemed",
        "已兑换 {volunteer} 的 {minutes} 分钟时长",
    ),
    "cli_cannot_write": ("cannot write {path}: {problem}", "无法写入 {path}：{problem}"),
    # --- the pages --------------------------------------------------------------------------
    "page_tab_requests": ("Requests", "请求"),
    "page_tab_ledger": ("Hours", "时长"),
    "page_requests_lead": (
        "Requests wait here until a published plan serves them. Draw a week to turn the open "
        "ones into its tasks; one not served is drawn again the next week, having waited longer.",
        "请求在此等待，直到已发布的计划为其提供服务。抽取某一周，即把待办请求变为该周的任务；"
        "未获服务的请求下周会再次抽取，等待周数随之增加。",
    ),
    "page_new_request": ("Record a request", "登记请求"),
    "page_edit_request": ("Change the request", "修改请求"),
    "page_draw_week": ("Draw the week starting on", "抽取以下日期开始的一周"),
    "page_draw_week_hint": (
        "A Monday. Its tasks are made from the open requests; drawing again updates them.",
        "须为星期一。由待办请求生成该周任务；再次抽取会更新这些任务。",
    ),
    "page_draw": ("Draw the week", "抽取本周任务"),
    "page_drawn": (
        "Week of {week}: requests drawn {drawn}, served before {served}, overdue {overdue}, "
        "could not be drawn {skipped}.",
        "{week} 这一周：抽取 {drawn} 个请求，{served} 个此前已办结，{overdue} 个已逾期，"
        "{skipped} 个无法抽取。",
    ),
    "page_drawn_kept": (
        "Kept as drawn before (the published plan gives them visits): {tasks}. To change this "
        "week's visit, change the task on the week: the plan is repaired and its volunteers told.",
        "保留抽取时的任务（已发布的计划中有其上门安排）：{tasks}。"
        "如需修改本周的上门安排，请在本周任务中修改该任务："
        "计划会随之修复并通知相关志愿者。",
    ),
    "page_request_status": ("Status", "状态"),
    "page_request_who": ("For", "对象"),
    "page_request_deadline": ("Deadline (限时办结)", "办结期限（限时办结）"),
    "page_request_deadline_hint": (
        "Optional: the last day it may be served; after it the request is flagged overdue.",
        "可不填：最晚可提供服务的日期；过期未办结即标为逾期。",
    ),
    "page_request_standing": (
        "Standing: a task every week (a weekly companionship visit)",
        "长期：每周都生成任务（如每周陪伴探访）",
    ),
    "page_request_standing_short": ("every week", "每周"),
    "page_request_household": ("For the household of volunteer", "为以下志愿者的家庭"),
    "page_request_household_hint": (
        "Optional: their banked hours may then be redeemed on this request (时间银行).",
        "可不填：填写后，该志愿者储存的时长可兑换用于此请求（时间银行）。",
    ),
    "page_request_note": ("Note", "备注"),
    "page_request_windows_hint": (
        "One window a line, weekdays then the hours: tue thu 09:00-11:30",
        "每行一个时间窗，先写星期再写时段：tue thu 09:00-11:30",
    ),
    "page_request_needs_hint": (
        "One skill a line, with how many people: companionship 1",
        "每行一项技能及所需人数：陪伴 1",
    ),
    "page_request_saved": ("Request “{title}” saved.", "请求“{title}”已保存。"),
    "page_request_withdrawn": ("Request {id} withdrawn.", "请求 {id} 已撤回。"),
    "page_withdraw": ("Withdraw", "撤回"),
    "page_withdraw_confirm": (
        "Withdraw “{title}”? It is kept, but never drawn again.",
        "撤回“{title}”？记录会保留，但不再抽取。",
    ),
    "page_requests_all": ("All", "全部"),
    "page_requests_empty": ("No requests here yet.", "这里还没有请求。"),
    "page_ledger_lead": (
        "Every visit marked done counts its minutes for the volunteer who went; corrections and "
        "redemptions are new lines, never edits.",
        "每次标记为完成的探访，都为前往的志愿者计入分钟数；更正与兑换都记为新的一行，从不修改旧记录。",
    ),
    "page_ledger_month": ("Month", "月份"),
    "page_ledger_month_hint": ("Leave empty for all time.", "留空即为全部时间。"),
    "page_ledger_csv": ("Download as CSV", "下载 CSV"),
    "page_ledger_total": ("The area in all: {hours} hours", "全区合计：{hours} 小时"),
    "page_ledger_hours": ("Hours", "小时"),
    "page_ledger_teams": ("By team", "按队伍"),
    "page_ledger_empty": ("No hours recorded yet.", "还没有记录任何时长。"),
    "page_statement": ("Statement", "对账单"),
    "page_statement_title": ("Hours of {name}, {month}", "{name} 的服务时长，{month}"),
    "page_statement_opening": ("Held before the month: {hours} hours", "月初结余：{hours} 小时"),
    "page_statement_closing": ("Held at the end: {hours} hours", "月末结余：{hours} 小时"),
    "page_statement_empty": ("Nothing this month.", "本月没有记录。"),
    "page_entry_credit": ("Visit done: {task} (visit {id})", "完成探访：{task}（探访 {id}）"),
    "page_entry_reversal": (
        "Correction of line {reverses}: {task} (visit {id})",
        "更正第 {reverses} 行：{task}（探访 {id}）",
    ),
    "page_entry_redemption": ("Redeemed for request {request}", "兑换用于请求 {request}"),
    "page_my_hours": ("My hours", "我的服务时长"),
    "page_visit_feedback": ("The resident's feedback (optional)", "居民的反馈（可不填）"),
    "page_visit_done_button": ("Done", "已完成"),
    "page_visit_missed_button": ("Did not happen", "未成行"),
    "page_visit_marked_done": ("Done", "已完成"),
    "page_visit_marked_missed": ("Did not happen", "未成行"),
    "page_visit_undo": ("Undo", "撤销标记"),
    "page_visits_title": ("Visits of the week of {date}", "{date} 这一周的探访"),
    "page_visits_week": ("Week starting on", "该周的星期一"),
    "page_visits_link": ("Mark the week's visits done or missed", "标记本周探访完成或未成行"),
    "page_visits_not_yet": ("not begun yet", "尚未开始"),
    "page_visits_empty": (
        "No published plan gives visits in this week.",
        "这一周没有已发布计划中的探访。",
    ),
    "page_visit_flash_done": (
        "Marked done: {minutes} minutes counted.",
        "已标记为完成：计入 {minutes} 分钟。",
    ),
    "page_visit_flash_missed": ("Marked as not happened.", "已标记为未成行。"),
    "page_visit_flash_undo": ("The mark is undone.", "标记已撤销。"),
}
