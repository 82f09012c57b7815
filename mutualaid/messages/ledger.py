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
    "request_exists": (
        "a request '{id}' exists already (a withdrawn one keeps its id); choose another id",
        "请求 '{id}' 已存在（已撤回的请求仍占用该 id）；请换一个 id",
    ),
    "request_withdrawn": (
        "request '{id}' was withdrawn; record a new request instead",
        "请求 '{id}' 已撤回；请另行登记新的请求",
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
    "cli_overdue": (" (overdue)", "（已逾期）"),
    "cli_drawn": (
        "week of {week}: {drawn} requests drawn, {served} served before, {overdue} overdue, "
        "{skipped} could not be drawn",
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
}
