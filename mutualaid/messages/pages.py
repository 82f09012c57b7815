"""The pages' words (headings, labels, buttons, notes), in English and Chinese: merged into
`messages.CATALOGUE` with the rest, so `msg` and the catalogue's tests cover them too."""

from __future__ import annotations

PAGE_CATALOGUE: dict[str, tuple[str, str]] = {
    # --- the layout and signing in --------------------------------------------------------
    "page_app_name": ("mutualaid", "社区互助"),
    "page_nav_main": ("Account and language", "账户与语言"),
    "page_nav_crumbs": ("You are here", "当前位置"),
    "page_nav_area": ("Sections of the area", "本街道的栏目"),
    "page_nav_weeks": ("Weeks", "周次"),
    "page_role_admin": ("administrator", "管理员"),
    "page_role_coordinator": ("coordinator", "协调员"),
    "page_role_volunteer": ("volunteer", "志愿者"),
    "page_sign_in": ("Sign in", "登录"),
    "page_sign_in_title": ("Sign in to mutualaid", "登录社区互助"),
    "page_sign_in_lead": (
        "Plans a community's week of mutual aid. Sign in with the token your coordinator or "
        "administrator gave you.",
        "为社区安排一周的互助服务。请用协调员或管理员发给您的令牌登录。",
    ),
    "page_token": ("Token", "令牌"),
    "page_token_hint": (
        "A long code; paste it exactly as you received it.",
        "一串较长的字符，请按收到的原样粘贴。",
    ),
    "page_token_missing": ("enter your token", "请输入令牌"),
    "page_token_unknown": (
        "this token is unknown or was revoked; ask your coordinator for a new one",
        "令牌无效或已被撤销，请向协调员索取新令牌",
    ),
    "page_too_many_tries": (
        "too many wrong tokens from here; try again in {minutes:plural:minute:minutes}",
        "此处输入错误令牌的次数过多，请 {minutes} 分钟后再试",
    ),
    "page_sign_out": ("Sign out", "退出登录"),
    "page_sign_in_again": ("Please sign in again", "请重新登录"),
    "page_go_home": ("Back to my pages", "返回我的页面"),
    "page_not_found": ("Not found", "找不到该页面"),
    "page_forbidden": ("You may not open this", "您无权打开此页面"),
    "page_conflict": ("That cannot be done now", "现在无法这样做"),
    "page_busy": (
        "Busy with other changes: please try again shortly",
        "系统正忙于其他修改，请稍后重试",
    ),
    "page_invalid": ("Something in the request is not right", "请求中有错误"),
    "page_server_error": (
        "Something went wrong on our side; nothing was changed. Please try again.",
        "系统出错，未做任何更改，请重试。",
    ),
    "page_bad_character": ("contains a character that cannot be stored", "含有无法保存的字符"),
    "page_back": ("Back", "返回"),
    "page_cancel": ("Cancel", "取消"),
    "page_save": ("Save", "保存"),
    "page_edit": ("Edit", "编辑"),
    "page_delete": ("Delete", "删除"),
    "page_open": ("Open", "打开"),
    "page_actions": ("Actions", "操作"),
    "page_name": ("Name", "姓名/名称"),
    # --- the volunteer's phone --------------------------------------------------------------
    "page_my_week": ("My week", "我的一周"),
    "page_my_week_of": ("{name}'s week", "{name}的一周"),
    "page_week_of": ("Week of {date}", "{date} 这一周"),
    "page_previous_week": ("Previous week", "上一周"),
    "page_next_week": ("Next week", "下一周"),
    "page_this_week": ("This week", "本周"),
    "page_today": ("today", "今天"),
    "page_my_week_empty": (
        "No visits for you in this week's published plan.",
        "本周已发布的安排中没有您的服务。",
    ),
    "page_place": ("Where", "地点"),
    "page_helping": ("Helping", "服务对象"),
    "page_role": ("Role", "角色"),
    "page_with": ("With", "同行"),
    "page_alone": ("nobody else", "无"),
    "page_state_pending": ("Not answered yet", "尚未答复"),
    "page_state_accepted": ("You will go", "您已确认参加"),
    "page_state_declined": ("You declined", "您已婉拒"),
    "page_accept": ("I will go", "我会去"),
    "page_decline": ("I cannot go", "我去不了"),
    "page_cannot_go": ("I cannot go after all", "我还是去不了"),
    "page_accept_moved": (
        "This visit was moved to {when} after your page was loaded, so nothing was confirmed. "
        "Here it is as it is now: confirm again if you can go.",
        "这次服务在您打开页面之后改到了 {when}，因此没有确认。"
        "下面是现在的安排：如能参加，请再确认一次。",
    ),
    "page_accepted": ("Thank you: your visit is confirmed.", "谢谢！已确认您会参加。"),
    "page_decline_gone": (
        "You have already declined this visit: nothing more to do.",
        "您已婉拒这次服务，无需再做什么。",
    ),
    "page_visit_moved": (
        "This visit is no longer in your week: the plan has changed since.",
        "这次服务已不在您的这一周里：安排已有变动。",
    ),
    "page_declined": (
        "Noted: you will not go. The coordinator's plan has been updated.",
        "已记下您不能参加，协调员的安排已随之更新。",
    ),
    "page_decline_title": ("Decline this visit", "婉拒这次服务"),
    "page_decline_reason": ("Reason (optional)", "原因（可不填）"),
    "page_decline_reason_hint": (
        "The coordinator reads it; for example: I am unwell this week.",
        "协调员会看到，例如：这周身体不适。",
    ),
    "page_decline_confirm": ("Decline", "确认婉拒"),
    "page_reason_too_long": ("at most {max} characters", "最多 {max} 个字"),
    "page_calendar": ("Add this week to my calendar", "把本周加入手机日历"),
    "page_calendar_hint": (
        "Downloads a calendar file (.ics) your phone's calendar can open.",
        "下载日历文件（.ics），手机日历可以打开。",
    ),
    # --- the coordinator's desk -------------------------------------------------------------
    "page_areas": ("Areas", "街道"),
    "page_no_areas": (
        "No area yet: an administrator creates areas and gives you a token for them.",
        "还没有街道：请管理员创建街道并为您发放令牌。",
    ),
    "page_tab_weeks": ("Weeks", "周计划"),
    "page_tab_volunteers": ("Volunteers", "志愿者"),
    "page_tab_residents": ("Residents", "居民"),
    "page_tab_sites": ("Sites", "服务地点"),
    "page_tab_teams": ("Teams", "队伍"),
    "page_tab_audit": ("Audit log", "操作记录"),
    "page_weeks": ("Weeks", "周次"),
    "page_no_weeks": (
        "No week yet. Open a week and add its first task.",
        "还没有周计划。打开一周并添加第一项任务。",
    ),
    "page_open_week": ("Open the week of", "打开某一周"),
    "page_open_week_hint": (
        "Its Monday, for example 2026-11-30.",
        "填该周的星期一，例如 2026-11-30。",
    ),
    "page_plans": ("Plans of this week", "本周的计划"),
    "page_plan_state": ("The plan", "计划状态"),
    "page_no_tasks": (
        "No tasks in this week yet. Add the first one.",
        "本周还没有任务，请添加第一项。",
    ),
    "page_tasks_caption": ("{count:plural:task:tasks}", "共 {count} 项任务"),
    "page_tasks": ("Tasks", "任务数"),
    "page_add_task": ("Add a task", "添加任务"),
    "page_edit_task": ("Edit the task", "编辑任务"),
    "page_task_title": ("Title", "标题"),
    "page_task_id": ("Short id (optional)", "编号（可不填）"),
    "page_task_id_hint": (
        "Left empty, one is made up (like t-3f9a2c).",
        "不填则自动编号（如 t-3f9a2c）。",
    ),
    "page_sent_twice": (
        "That form was sent twice; it was saved once.",
        "该表单提交了两次，只保存了一次。",
    ),
    "page_task_place": ("Where", "地点"),
    "page_task_place_hint": (
        "At a resident's home, or at one of the area's sites.",
        "在居民家中，或在本街道的某个服务地点。",
    ),
    "page_resident_home": ("{name}'s home", "{name}家"),
    "page_task_priority": ("Priority", "优先级"),
    "page_priority_urgent": ("urgent", "紧急"),
    "page_priority_high": ("high", "高"),
    "page_priority_normal": ("normal", "普通"),
    "page_priority_low": ("low", "低"),
    "page_task_duration": ("Duration (minutes)", "时长（分钟）"),
    "page_task_windows": ("When it may happen", "可安排的时段"),
    "page_task_windows_hint": (
        "One per line: days and hours, e.g. 'tue thu 09:00-11:30', or a date "
        "'2026-12-02 14:00-17:00'.",
        "每行一个：星期与时间，如“周二 周四 09:00-11:30”，或日期“2026-12-02 14:00-17:00”。",
    ),
    "page_task_start": ("Or a fixed start", "或固定开始时间"),
    "page_task_start_hint": (
        "For an event at a set time; leave the lines above empty then.",
        "用于定时活动；填写此项时上面的时段请留空。",
    ),
    "page_task_needs": ("Who is needed", "需要的人员"),
    "page_task_needs_hint": (
        "One role per line: a skill and how many, e.g. 'companionship 1'; a team: "
        "'team_skill lion_dance 6'.",
        "每行一个角色：技能与人数，如“陪伴 1”；队伍：“team_skill lion_dance 6”。",
    ),
    "page_window_line": (
        "line {line} ('{text}'): give days or a date, then hours like 09:00-11:30",
        "第 {line} 行（“{text}”）：请写星期或日期，再写时间，如 09:00-11:30",
    ),
    "page_place_needed": ("choose where the visit is", "请选择服务地点"),
    "page_time_needed": (
        "give at least one line of days and hours, or a fixed start",
        "请至少写一行时段，或填写固定开始时间",
    ),
    "page_time_both": (
        "a fixed start takes no lines of hours: leave them empty",
        "填写了固定开始时间时，上面的时段请留空",
    ),
    "page_need_line": (
        "line {line} ('{text}'): give a skill and a number, like 'companionship 1'",
        "第 {line} 行（“{text}”）：请写技能和人数，如“陪伴 1”",
    ),
    "page_task_when": ("When", "时间"),
    "page_task_outcome": ("Served?", "是否安排"),
    "page_minutes": ("{n} min", "{n} 分钟"),
    "page_dshort_mon": ("Mon", "周一"),
    "page_dshort_tue": ("Tue", "周二"),
    "page_dshort_wed": ("Wed", "周三"),
    "page_dshort_thu": ("Thu", "周四"),
    "page_dshort_fri": ("Fri", "周五"),
    "page_dshort_sat": ("Sat", "周六"),
    "page_dshort_sun": ("Sun", "周日"),
    "page_team_of": ("team: {what}", "队伍：{what}"),
    "page_served": ("served", "已安排"),
    "page_unserved": ("unserved", "未安排"),
    "page_not_planned": ("not in the plan (added since)", "计划中没有（之后新增）"),
    "page_task_added": ("Task '{title}' added.", "已添加任务“{title}”。"),
    "page_task_saved": ("Task '{title}' saved.", "已保存任务“{title}”。"),
    "page_task_repaired": (
        "Task '{title}' saved. Its visits in the published plan no longer held: they were "
        "planned again and the plan published; told: {people}.",
        "已保存任务“{title}”。已发布计划中该任务的上门安排不再成立：已重新安排并发布计划；"
        "已通知：{people}。",
    ),
    "page_task_repaired_unserved": (
        "Task '{title}' saved. Its visits in the published plan no longer held, and no one can "
        "take it as it now stands ({why}): the published plan no longer gives it and lists it "
        "unserved; told: {people}.",
        "已保存任务“{title}”。已发布计划中该任务的上门安排不再成立，"
        "按现在的要求无人能接（{why}）："
        "已发布的计划不再安排它，并列为未安排；已通知：{people}。",
    ),
    "page_nobody": ("nobody", "无人"),
    "page_plan_task_changed": (
        "Tasks changed since this plan gave their visits no longer allow them as given (their "
        "times, length or people): {tasks}. Their volunteers see a warning on their week. Solve "
        "the week again, or change each of those tasks on its own (its visits are then planned "
        "again at once).",
        "以下任务在本计划安排上门之后被修改，已与所安排的时间、时长或人数不符：{tasks}。"
        "相关志愿者会在其周安排中看到提醒。请重新求解本周，或逐个修改这些任务（其上门安排会随即重新安排）。",
    ),
    "page_visit_task_changed": (
        "This request was changed after the plan gave you this visit, and no longer fits these "
        "times as given: ask your coordinator before you go.",
        "这项请求在计划为您安排这次上门之后被修改，已与上述时间不符：出发前请先联系协调员。",
    ),
    "page_task_deleted": (
        "Task {task} deleted "
        "({withdrawn:plural:published assignment:published assignments} withdrawn).",
        "已删除任务 {task}（撤回已发布的安排 {withdrawn} 项）。",
    ),
    "page_delete_confirm": ("Delete the task '{title}'?", "确定删除任务“{title}”吗？"),
    "page_solve": ("Make a plan", "生成计划"),
    "page_solve_running": ("A plan is being made for this week.", "正在为本周生成计划。"),
    "page_solve_empty": ("Add tasks to the week first.", "请先为本周添加任务。"),
    "page_follow_it": ("Follow it", "查看进度"),
    "page_no_plan_yet": ("No plan yet: press 'Make a plan'.", "还没有计划：请点“生成计划”。"),
    "page_published_plan": ("Published plan of {at}.", "已发布的计划（{at}）。"),
    "page_unpublished_plan": (
        "The newest plan is not published yet.",
        "最新的计划尚未发布。",
    ),
    "page_open_plan": ("Open the plan", "打开计划"),
    "page_last_solve_failed": ("The last solve failed", "上次生成计划失败"),
    "page_plan": ("Plan", "计划"),
    "page_repair": ("a repair of the published plan", "对已发布计划的调整"),
    "page_repair_decline": ("repaired after a decline", "婉拒后自动调整"),
    "page_repair_absence": ("repaired for an absence", "因请假自动调整"),
    "page_repair_task_edit": ("repaired after a task was changed", "任务修改后自动调整"),
    "page_repair_recommendation": ("a recommendation taken", "采纳推荐后调整"),
    "page_is_published": ("published", "已发布"),
    "page_status_queued": ("waiting to start", "排队中"),
    "page_status_running": ("being made", "生成中"),
    "page_status_optimal": ("best possible", "最优"),
    "page_status_feasible": ("good (time ran out)", "可行（已到时限）"),
    "page_status_error": ("failed", "失败"),
    "page_status_kept_apart": (
        "good (scored again: a grown task held apart)",
        "可行（已重新评分：需求增加的任务另行处理）",
    ),
    "page_visit_kept": ("marked visit, kept apart", "已标记的探访，另行保留"),
    "page_suggestions_none_apart": (
        "No suggestions are given for this plan: it was made for the week with the grown task "
        "held apart, so what would serve each request was worked out for a week other than the "
        "one stored, and could not be kept. Set the task's needs back, or add it again as a new "
        "task, and make the plan again to get suggestions.",
        "此计划不提供建议：计划是在需求增加的任务另行处理后的一周上生成的，"
        "各项需求的建议针对的并非已保存的这一周，无法兑现。"
        "请将该任务的需求改回，或将其另行添加为新任务，再重新生成计划以获得建议。",
    ),
    "page_bound_static": (
        "Here “most possible” is a static count of what each priority could serve, not the "
        "solve's proof: the plan was scored again after a task that grew was held apart, "
        "so no proof of the best plan is claimed.",
        "此处“最多可安排”是对各优先级最多可安排多少的静态估算，并非求解的证明："
        "需求增加的任务另行处理后，计划已重新评分，因此不声称已证明最优。",
    ),
    "page_progress": ("Progress", "进度"),
    "page_progress_served": (
        "{served:plural:task:tasks} served of at most {bound}",
        "已安排 {served} 项，最多可安排 {bound} 项",
    ),
    "page_progress_elapsed": ("{seconds} s", "{seconds} 秒"),
    "page_queued_note": (
        "Waiting for the solver; this page follows it by itself.",
        "等待求解器开始，本页会自动更新。",
    ),
    "page_solve_failed": ("No plan could be made", "未能生成计划"),
    "page_stop_solve": ("Stop", "停止"),
    "page_cancel_asked": (
        "Stopping: the solve ends at its next report.",
        "正在停止：求解将在下一次汇报进度时结束。",
    ),
    "page_publish": ("Publish to volunteers", "发布给志愿者"),
    "page_published": (
        "Published: volunteers now see their visits.",
        "已发布：志愿者现在可以看到自己的安排。",
    ),
    "page_published_at": ("Published {at}", "已于 {at} 发布"),
    "page_publish_refused": ("Not published: {detail}", "未能发布：{detail}"),
    "page_task_delete_refused": ("Not deleted: {detail}", "未能删除：{detail}"),
    "page_figures": ("How good it is", "计划质量"),
    "page_bound": ("most possible", "最多可安排"),
    "page_figures_more": (
        "Travel {travel} min in all · continuity {continuity} · found in {seconds} s",
        "总路程 {travel} 分钟 · 连续服务 {continuity} · 用时 {seconds} 秒",
    ),
    "page_marked_grown_title": ("Needs changed after a visit was marked", "探访标记后需求有变"),
    "page_marked_grown": (
        "{task} now needs {people} people, more than when its visit was marked {state}: "
        "that visit ({marked}) stays as it was, and this plan adds {others}",
        "{task} 现在需要 {people} 人，多于探访被标记为{state}时：该次探访（{marked}）保持不变，"
        "本计划另安排 {others}",
    ),
    "page_marked_grown_unserved": (
        "{task} now needs {people} people, more than when its visit was marked {state}: "
        "that visit ({marked}) stays as it was, and this plan adds no one to it",
        "{task} 现在需要 {people} 人，多于探访被标记为{state}时：该次探访（{marked}）保持不变，"
        "本计划未再安排其他人",
    ),
    "page_unserved_title": ("Unserved requests ({count})", "未安排的需求（{count}）"),
    "page_all_served": ("Every task is served.", "所有任务都已安排。"),
    "page_suggestions": ("What would serve it:", "可以这样解决："),
    "page_suggestions_checking": (
        "More suggestions are still being checked.",
        "更多建议仍在核验中。",
    ),
    "page_timeline": ("Who goes when", "人员时间表"),
    "page_map": ("Map of the week", "本周地图"),
    "page_map_resident": ("resident", "居民"),
    "page_map_site": ("site", "服务地点"),
    "page_map_home": ("volunteer's home", "志愿者住处"),
    "page_back_to_week": ("Back to the week", "返回本周"),
    "reason_no_skill": ("nobody with the skill it needs", "没有具备所需技能的人"),
    "reason_out_of_range": (
        "those with the skill live too far away",
        "有此技能的人住得太远",
    ),
    "reason_excluded": (
        "those left are not allowed here (vetting, gender, language or a decline)",
        "剩下的人不符合要求（审核、性别、语言或已婉拒）",
    ),
    "reason_no_time": (
        "nobody suitable is free at a time it allows",
        "合适的人在可安排的时段都没空",
    ),
    "reason_capacity": (
        "possible on its own, but their time went to other tasks",
        "单独可以安排，但相关人员的时间已给了其他任务",
    ),
    # --- paper: day sheets and the noticeboard ----------------------------------------------
    "page_print": ("Print", "打印"),
    "page_print_hint": (
        "Each sheet prints on its own page; choose paper size A4.",
        "每张服务单单独打印一页，请选用 A4 纸。",
    ),
    "page_paper": ("Paper", "打印"),
    "page_print_sheets": ("Print day sheets", "打印每日服务单"),
    "page_print_day_all": ("Print all sheets for {day}", "打印{day}的全部服务单"),
    "page_print_board": ("Print the week for the noticeboard", "打印本周公告栏排班表"),
    "page_print_my_week": ("Print my week", "打印我的一周"),
    "page_sheets_title": ("Day sheets", "每日服务单"),
    "page_sheets_none": (
        "Nothing to print: no visits in this week's published plan.",
        "没有可打印的内容：本周已发布的计划中没有服务安排。",
    ),
    "page_sheets_no_plan": (
        "Nothing to print yet: this week has no finished plan.",
        "暂无可打印的内容：本周还没有完成的计划。",
    ),
    "page_draft_not_published": ("Draft — not published", "草稿——尚未发布"),
    "page_sheet_visits": ("{count:plural:visit:visits} this day", "当天共 {count} 次服务"),
    "page_sheet_from_home": ("{minutes} min from home", "从家出发约 {minutes} 分钟"),
    "page_sheet_travel": ("{minutes} min on the way", "路上约 {minutes} 分钟"),
    "page_sheet_travel_home": ("{minutes} min back home", "回家约 {minutes} 分钟"),
    "page_sheet_address": ("Address", "地址"),
    "page_sheet_phone": ("Phone", "电话"),
    "page_sheet_notes": ("Notes", "备注"),
    "page_sheet_signature": ("Signature", "签名"),
    "page_board_title": ("The week's plan", "本周排班"),
    "page_board_volunteer": ("Volunteer", "志愿者"),
    "page_board_unserved": ("Not served this week ({count})", "本周未能安排（{count} 项）"),
    "page_tasks_pages": ("Pages of tasks", "任务分页"),
    "page_tasks_page": ("Page {n}", "第 {n} 页"),
    "page_tasks_showing": (
        "Showing {first}–{last} of {count}",
        "显示第 {first}–{last} 项，共 {count} 项",
    ),
    "page_filter_find": ("Find", "查找"),
    "page_filter_show": ("Show", "显示"),
    "page_filter_all": ("all tasks", "全部任务"),
    "page_filter_served": ("served", "已安排"),
    "page_filter_unserved": ("unserved or not planned", "未安排或尚未计划"),
    "page_filter_apply": ("Filter", "筛选"),
    "page_filter_clear": ("Show all", "显示全部"),
    "page_filter_none": ("No task matches.", "没有符合条件的任务。"),
    "page_previous": ("Previous", "上一页"),
    "page_next": ("Next", "下一页"),
    # --- audit and roster --------------------------------------------------------------------
    "page_audit_when": ("When", "时间"),
    "page_audit_who": ("Who", "操作者"),
    "page_audit_what": ("What", "操作"),
    "page_audit_target": ("On", "对象"),
    "page_audit_detail": ("Details", "详情"),
    "page_audit_empty": ("Nothing recorded yet.", "还没有记录。"),
    "page_roster_empty": ("None yet.", "还没有。"),
    "page_roster_count": ("{count} in all", "共 {count} 个"),
    "page_skills": ("Skills", "技能"),
    "page_availability": ("Available", "可服务时间"),
    "page_hours": ("Hours a week", "每周时数"),
    "page_vetted": ("Vetted", "已审核"),
    "page_categories": ("Situation", "情况"),
    "page_preferred": ("Preferred volunteers", "偏好的志愿者"),
    "page_site_kind": ("Kind", "类型"),
    "page_id": ("Short id", "编号"),
    "page_id_hint": (
        "Letters, digits and dashes, unique in the area (e.g. v-wang); it never changes.",
        "字母、数字和连字符，在本街道内唯一（如 v-wang），之后不能修改。",
    ),
    "page_add_volunteers": ("Add a volunteer", "添加志愿者"),
    "page_add_residents": ("Add a resident", "添加居民"),
    "page_add_sites": ("Add a site", "添加服务地点"),
    "page_add_teams": ("Add a team", "添加队伍"),
    "page_edit_entity": ("Edit {name}", "编辑 {name}"),
    "page_list_hint": ("Separated by commas.", "用逗号分隔。"),
    "page_home_lat": ("Home: latitude", "住处：纬度"),
    "page_home_lon": ("Home: longitude", "住处：经度"),
    "page_lat": ("Latitude", "纬度"),
    "page_lon": ("Longitude", "经度"),
    "page_latlon_hint": (
        "Decimal degrees, e.g. 34.7749 and 113.6832 (from any map).",
        "十进制度数，如 34.7749 和 113.6832（可从地图上查到）。",
    ),
    "page_latlon_bad": (
        "give latitude and longitude as numbers, got {got}",
        "纬度和经度应为数字，实际为 {got}",
    ),
    "page_mode": ("Gets there by", "出行方式"),
    "page_mode_walk": ("walking", "步行"),
    "page_mode_bike": ("bicycle", "自行车"),
    "page_mode_ebike": ("e-bike", "电动车"),
    "page_mode_car": ("car", "汽车"),
    "page_max_travel": ("Longest trip (minutes)", "最长路程（分钟）"),
    "page_availability_hint": (
        "One per line: days and hours, e.g. 'mon wed fri 09:00-12:00', or a date "
        "'2026-12-02 14:00-17:00'.",
        "每行一个：星期与时间，如“周一 周三 周五 09:00-12:00”，或日期“2026-12-02 14:00-17:00”。",
    ),
    "page_gender": ("Gender", "性别"),
    "page_gender_preference": ("Only volunteers of gender", "只接受此性别的志愿者"),
    "page_gender_": ("—", "—"),
    "page_gender_m": ("man", "男"),
    "page_gender_f": ("woman", "女"),
    "page_categories_hint": (
        "Separated by commas: over_70, living_alone, empty_nest, bereaved_parent, disabled, "
        "low_income.",
        "用逗号分隔：over_70（高龄）、living_alone（独居）、empty_nest（空巢）、"
        "bereaved_parent（失独）、disabled（残疾）、low_income（困难）。",
    ),
    "page_delete_entity_confirm": ("Delete {name}?", "确定删除 {name} 吗？"),
    "page_roster_saved": ("Saved: {name}.", "已保存：{name}。"),
    "page_volunteer_repaired": (
        "Saved: {name}. Visits in the published plans of {weeks} no longer held: they were "
        "planned again and the plans published; told: {people}.",
        "已保存：{name}。{weeks} 已发布计划中的上门安排不再成立：已重新安排并发布计划；"
        "已通知：{people}。",
    ),
    "page_roster_deleted": ("Deleted: {id}.", "已删除：{id}。"),
    "page_roster_in_use": ("Not deleted: {detail}", "未删除：{detail}"),
}
