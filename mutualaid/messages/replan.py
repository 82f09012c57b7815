"""The sentences of recommendations for a new request and of absences, English and Chinese."""

from __future__ import annotations

REPLAN: dict[str, tuple[str, str]] = {
    # --- recommendations ----------------------------------------------------------------------
    "recommend_needs_id": (
        "the request needs an id (a new one: the task is added to the week when an option "
        "is applied)",
        "请求需要一个 id（新的 id：采用某个方案时该任务会加入本周）",
    ),
    "recommend_no_series": (
        "recommendations are for one visit: give the task without 'every' (one window or a start)",
        "推荐只针对单次探访：请去掉“every”，只给一个时间窗口或开始时间",
    ),
    "recommend_no_plan": (
        "week {week} has no published plan to fit the request into; make and publish a plan first",
        "{week} 这一周还没有已发布的计划可供插入；请先制定并发布计划",
    ),
    "recommend_task_exists": (
        "task '{task}' is already in the week; recommendations are for a new request (give "
        "it a new id)",
        "任务“{task}”已在本周中；推荐只针对新的请求（请换一个新 id）",
    ),
    "recommendation_gone": (
        "option {id} for '{task}' is no longer offered (the week's plan changed since, "
        "or its start is now past); "
        "ask for recommendations again",
        "“{task}”的方案 {id} 已不再可行（本周计划已有变化，或其开始时间已过）；请重新获取推荐",
    ),
    "recommendation_contended": (
        "option {id} could not be applied: the week's plan kept changing; send it again",
        "方案 {id} 未能采用：本周计划不断变化；请再次提交",
    ),
    "recommend_none": (
        "nobody can take it, even with other visits moved, without dropping more important visits",
        "即使调整其他探访，也没有人能在不放弃更重要探访的情况下接下这项任务",
    ),
    "option_text": (
        "{people} at {start}; {moves:plural:other visit changes:other visits change}; "
        "travel {travel} min",
        "{people}，{start} 开始；另有 {moves} 项探访调整；路程 {travel} 分钟",
    ),
    "option_text_alone": (
        "{people} at {start}; no other visit changes; travel {travel} min",
        "{people}，{start} 开始；其他探访不变；路程 {travel} 分钟",
    ),
    "cli_recommend_title": ("Options, best first", "方案（最优在前）"),
    "cli_rec_id": ("option", "方案"),
    "cli_rec_who": ("who", "谁去"),
    "cli_rec_start": ("start", "开始"),
    "cli_rec_moves": ("other visits that change", "随之调整的探访"),
    "cli_rec_coverage": ("coverage", "覆盖变化"),
    "cli_rec_travel": ("travel (min)", "路程（分钟）"),
    "cli_rec_dropped": ("(unserved)", "（不再安排）"),
    # --- absences -----------------------------------------------------------------------------
    "absence_dates": (
        "give either 'week' (a Monday) or 'from' and 'to' (dates, YYYY-MM-DD)",
        "请给出“week”（周一日期）或“from”与“to”（日期，YYYY-MM-DD）",
    ),
    "absence_order": (
        "the last day away ({to}) is before the first ({start})",
        "最后一天（{to}）早于第一天（{start}）",
    ),
    "absence_too_long": (
        "an absence is at most {days} days; enter a longer one in parts",
        "一次缺席最多 {days} 天；更长的请分段录入",
    ),
    "absence_times": (
        "'start' and 'end' are HH:MM with start before end, or both left out (whole days)",
        "“start”与“end”为 HH:MM 且开始早于结束，或都不填（整天）",
    ),
    "absence_not_found": (
        "no absence {id} of volunteer '{volunteer}'",
        "志愿者“{volunteer}”没有缺席记录 {id}",
    ),
    "absence_contended": (
        "the plan of week {week} kept changing while the absence was being repaired; nothing "
        "was stored: report the absence again",
        "在修复缺席安排期间，{week} 这一周的计划不断变化；未保存任何内容：请重新登记缺席",
    ),
    "absence_waiting": (
        "a plan of the week is being made: it will see the absence",
        "本周计划正在制定中，会考虑这次缺席",
    ),
    "cli_absence_added": (
        "absence {id}: {volunteer} away {first} to {last}",
        "缺席 {id}：{volunteer} 从 {first} 到 {last} 不在",
    ),
    "cli_absence_week": (
        "week {week}: repair {plan}; moved: {moved}; unserved: {unserved}",
        "{week} 这一周：修复 {plan}；调整：{moved}；无人接手：{unserved}",
    ),
    "absence_breaks_week": (
        "the absence would break week {week}, so nothing is stored: {problems}; unpin the "
        "volunteer's visits on those days first",
        "这次缺席会使 {week} 这一周失效，因此未作任何保存：{problems}；"
        "请先取消该志愿者在这些日子的固定安排",
    ),
    "task_edit_contended": (
        "the plan of week {week} kept changing while the change to task '{task}' was being "
        "repaired; nothing was stored: save the change again",
        "在为任务“{task}”的修改修复计划期间，{week} 这一周的计划不断变化；"
        "未保存任何内容：请再次保存修改",
    ),
    "task_edit_solving": (
        "the published plan gives task '{task}' visits this change would no longer allow, and "
        "a plan of the week is being made without it; nothing was stored: change the task once "
        "that plan is done (or stop it)",
        "已发布的计划中有任务“{task}”的上门安排，这次修改会使其不再成立，"
        "而本周正在制定的计划没有考虑这次修改；"
        "未保存任何内容：请等该计划完成（或停止它）后再修改",
    ),
    "task_edit_unrepaired": (
        "the published plan gives task '{task}' visits this change would no longer allow, and "
        "planning them again broke a rule ({why}); nothing was stored: solve the week again "
        "after the change, or change it less",
        "已发布的计划中有任务“{task}”的上门安排，这次修改会使其不再成立，"
        "而重新安排时违反了规则（{why}）；"
        "未保存任何内容：请修改后重新求解本周，或少改一些",
    ),
    "tasks_edit_contended": (
        "the plan of week {week} kept changing while the visits of tasks {tasks} this change "
        "broke were being repaired; nothing was stored: send the change again",
        "在为这次修改所影响的任务 {tasks} 修复计划期间，{week} 这一周的计划不断变化；"
        "未保存任何内容：请再次提交修改",
    ),
    "tasks_edit_solving": (
        "the published plan gives tasks {tasks} visits this change would no longer allow, and "
        "a plan of the week is being made without it; nothing was stored: send the change once "
        "that plan is done (or stop it)",
        "已发布的计划中有任务 {tasks} 的上门安排，这次修改会使其不再成立，"
        "而本周正在制定的计划没有考虑这次修改；"
        "未保存任何内容：请等该计划完成（或停止它）后再提交",
    ),
    "tasks_edit_unrepaired": (
        "the published plan gives tasks {tasks} visits this change would no longer allow, and "
        "planning them again broke a rule ({why}); nothing was stored: solve the week again "
        "after the change, or change it less",
        "已发布的计划中有任务 {tasks} 的上门安排，这次修改会使其不再成立，"
        "而重新安排时违反了规则（{why}）；"
        "未保存任何内容：请修改后重新求解本周，或少改一些",
    ),
    "kind_absence": ("absence", "缺席记录"),
    "absence_unserved": (
        "no one else could take it in the repair",
        "修复时没有其他人能接下这项任务",
    ),
}
