"""The pages' words for a new request's options (recommend, then apply) and for volunteers'
absences, English and Chinese (apart from `pages.py`, which holds the rest of the pages')."""

from __future__ import annotations

REPLAN_PAGES: dict[str, tuple[str, str]] = {
    # --- a new request on a published week ----------------------------------------------------
    "page_fit_request": ("A new request came in", "来了新的请求"),
    "page_fit_request_lead": (
        "Describe the request as a task. Nothing is stored until you choose one of the "
        "options; the published plan is then changed as little as possible and published "
        "again.",
        "请把新请求填成一项任务。选定方案之前不会保存任何内容；选定后只对已发布的计划做"
        "最小的调整，并重新发布。",
    ),
    "page_fit_request_no_plan": (
        "This week has no published plan yet: make a plan and publish it, then fit new "
        "requests into it here. (Until then, add the request as a task.)",
        "本周还没有已发布的计划：请先制定并发布计划，之后再在这里插入新请求。"
        "（在此之前，请直接添加任务。）",
    ),
    "page_find_options": ("Find who can take it", "看看谁能接"),
    "page_options_title": ('Options for "{title}"', "“{title}”的可选方案"),
    "page_options_lead_one": (
        "One way to fit it into the published plan. Choosing it adds the request to the week "
        "and publishes the changed plan to volunteers.",
        "只有一种方式能把它放进已发布的计划。选定后，该请求会加入本周，改动后的计划会重新"
        "发布给志愿者。",
    ),
    "page_options_lead": (
        "The {count} best ways to fit it into the published plan, best first. Choosing one "
        "adds the request to the week and publishes the changed plan to volunteers.",
        "以下是把它放进已发布计划的最佳 {count} 种方式，最好的在前。选定后，该请求会加入"
        "本周，改动后的计划会重新发布给志愿者。",
    ),
    "page_option_number": ("Option", "方案"),
    "page_option_who": ("Who goes", "谁去"),
    "page_option_when": ("Day and start", "日期与开始时间"),
    "page_option_moves": ("What else changes", "随之调整"),
    "page_option_coverage": ("Effect on coverage", "对覆盖的影响"),
    "page_option_travel": ("Travel", "路程"),
    "page_option_no_moves": ("nothing else", "其他不变"),
    "page_option_same": ("no change", "不变"),
    "page_option_choose": ("Choose this one", "就选这个"),
    "page_option_confirm": (
        'Add "{title}" with option {n} and publish the changed plan to volunteers?',
        "按方案 {n} 加入“{title}”，并把改动后的计划发布给志愿者？",
    ),
    "page_move_dropped": ("no longer served", "不再安排"),
    "page_move_added": ("now served", "现在可以安排"),
    "page_move_was": ("was", "原为"),
    "page_move_now": ("now", "改为"),
    "page_travel_more": ("+{n} min", "多 {n} 分钟"),
    "page_travel_less": ("−{n} min", "少 {n} 分钟"),
    "page_travel_same": ("no change", "不变"),
    "page_coverage_change": ("{change} {priority}", "{priority} {change}"),
    "page_no_option": ("Nobody can take this request", "没有人能接这项请求"),
    "page_no_option_hint": (
        "Try a wider time window, another day, or fewer people; or add it as a task and ask "
        "volunteers directly.",
        "可以放宽时间段、换一天或减少所需人数；也可以先把它作为任务加入，再直接联系志愿者。",
    ),
    "page_week_changed": (
        "The week's plan changed while you were choosing (someone else changed it, or a "
        "volunteer declined). Nothing was stored. Here are the options as they are now.",
        "您选择期间本周计划有了变化（别人做了修改，或有志愿者婉拒）。没有保存任何内容。"
        "以下是按现在的计划重新给出的方案。",
    ),
    "page_change_request": ("Change the request", "修改请求"),
    "page_applied_title": ('"{title}" is in the plan', "“{title}”已排入计划"),
    "page_applied_lead": (
        "The changed plan is published: the volunteers below see it on their phones and "
        "are notified.",
        "改动后的计划已发布：下列志愿者会在手机上看到，并收到通知。",
    ),
    "page_applied_who": ("{who} will go, {when}.", "{who}将于{when}前往。"),
    "page_applied_tell": ("Volunteers whose visits changed", "探访有变动的志愿者"),
    "page_applied_none_moved": (
        "No other visit changed.",
        "其他探访都没有变动。",
    ),
    "page_applied_replayed": (
        "This choice had already been applied; nothing was changed again.",
        "这个方案之前已经采用，没有再次改动。",
    ),
    "page_open_new_plan": ("Open the published plan", "打开已发布的计划"),
    "page_new_visit": ("the new request", "新请求"),
    # --- absences -----------------------------------------------------------------------------
    "page_absences": ("Absences", "请假记录"),
    "page_absences_of": ("{name}: days away", "{name}的请假"),
    "page_absence_record": ("Record an absence", "登记请假"),
    "page_absence_someone": ("A volunteer is away", "有志愿者请假"),
    "page_absence_lead": (
        "The days are marked unavailable for every week. Every published week they touch is "
        "repaired at once: their visits go to others where possible.",
        "这些日子会在每一周都标为不可安排。涉及到的已发布计划会立即调整：尽量把其探访交给其他人。",
    ),
    "page_absence_volunteer": ("Volunteer", "志愿者"),
    "page_absence_when": ("Days", "日期"),
    "page_absence_from_missing": ("enter the first day away", "请填写从哪天起"),
    "page_absence_pick": ("choose the volunteer who is away", "请选择请假的志愿者"),
    "page_absence_from": ("First day away", "从哪天起"),
    "page_absence_to": ("Last day away", "到哪天止"),
    "page_absence_to_hint": ("The same day for one day.", "只请一天就填同一天。"),
    "page_absence_reason": ("Reason (optional)", "原因（可不填）"),
    "page_absence_reason_hint": (
        "For example: ill, away visiting family.",
        "例如：生病、外出探亲。",
    ),
    "page_absence_save": ("Record and repair the plan", "登记并调整计划"),
    "page_absence_none": ("No absence recorded.", "没有请假记录。"),
    "page_absence_days": ("{first} to {last}", "{first} 至 {last}"),
    "page_absence_one_day": ("{first}", "{first}"),
    "page_absence_hours": ("{start}–{end} each day", "每天 {start}–{end}"),
    "page_absence_remove": ("Remove", "撤销"),
    "page_absence_remove_confirm": (
        "Remove the absence {days}? Published plans stay as they are; the next plan may use "
        "those days again.",
        "撤销 {days} 的请假？已发布的计划不变；之后的计划可以再安排这些日子。",
    ),
    "page_absence_removed": (
        "Absence removed. Published plans stay as they are.",
        "已撤销请假。已发布的计划保持不变。",
    ),
    "page_absence_recorded": ("Absence recorded: {days}.", "已登记请假：{days}。"),
    "page_absence_result": ("What changed in the plans", "计划的变动"),
    "page_absence_no_week": (
        "No published plan covers these days: the next plan will leave them free.",
        "这些日子还没有已发布的计划：以后制定计划时会避开这些日子。",
    ),
    "page_absence_week_untouched": (
        "Week of {week}: no visit on those days, nothing to change.",
        "{week} 这一周：这些日子没有探访，无需调整。",
    ),
    "page_absence_week_waiting": (
        "Week of {week}: a plan is being made now; it will leave these days free.",
        "{week} 这一周：计划正在制定中，会避开这些日子。",
    ),
    "page_absence_week_repaired": (
        "Week of {week}: the plan was repaired and published.",
        "{week} 这一周：计划已调整并发布。",
    ),
    "page_absence_week_not_published": (
        "Week of {week}: a repair was made but could not be published; open it to see why.",
        "{week} 这一周：已做出调整，但未能发布；请打开查看原因。",
    ),
    "page_absence_moved": ("Their visits, planned again", "其探访的新安排"),
    "page_absence_now": ("now {who}, {when}", "现为{who}，{when}"),
    "page_absence_tell": ("Volunteers whose visits changed", "探访有变动的志愿者"),
    "page_absence_reason_col": ("Reason", "原因"),
    "page_absence_lost": ("Could not be kept", "未能保住的探访"),
    "page_absence_all_kept": ("Every visit was kept.", "所有探访都保住了。"),
    "page_absence_open_plan": ("Open the plan", "打开计划"),
    "page_absence_from_roster": ("Days away", "请假"),
    # --- the volunteer's phone ------------------------------------------------------------------
    "page_my_absences": ("I am ill or away", "我生病或外出"),
    "page_my_absences_lead": (
        "Tell us the days you cannot go. Your visits on those days are given to other "
        "volunteers where possible, and your coordinator sees it.",
        "告诉我们您哪几天去不了。这些天的探访会尽量交给其他志愿者，协调员也会看到。",
    ),
    "page_my_absence_save": ("Send", "提交"),
    "page_my_absences_list": ("Days I am away", "我的请假"),
    "page_my_absence_thanks": ("Thank you, get well soon.", "谢谢，祝您早日康复。"),
    "page_my_absence_done": (
        "{moved} of your visits were given to other volunteers.",
        "您有 {moved} 项探访已交给其他志愿者。",
    ),
    "page_my_absence_still": (
        "{moved} of your visits were moved to another time: see your week.",
        "您有 {moved} 项探访改到了其他时间，请查看您的一周。",
    ),
    "page_my_absence_done_none": (
        "Thank you. You had no visits on those days in a published plan.",
        "谢谢。在已发布的安排中，您这些天没有探访。",
    ),
    "page_my_absence_lost": (
        "{lost:plural:visit:visits} could not be given to anyone; your coordinator can see which.",
        "有 {lost} 项探访暂时没人接，协调员可以看到是哪几项。",
    ),
    "page_my_absence_back": ("Back to my week", "返回我的一周"),
}
