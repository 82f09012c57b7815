"""Every sentence a user reads, in English and Chinese, in one catalogue.

`msg(key, **fields)` formats one in the active locale: the one a request chose
(`using_locale`, the pages' per-person choice), else MUTUALAID_LANG (en | zh) if set, else LANG
starting with "zh", else English. Tests check that both locales have every key and field.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from mutualaid.page_messages import PAGE_CATALOGUE

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- loading a scenario -----------------------------------------------------------------
    "yaml_syntax": ("not valid YAML: {problem}", "不是有效的 YAML：{problem}"),
    "file_unreadable": ("cannot read the file: {problem}", "无法读取文件：{problem}"),
    "top_not_mapping": (
        "a scenario is a mapping of fields (name, timezone, week_start, ...)",
        "场景应为字段映射（name、timezone、week_start 等）",
    ),
    "unknown_field": ("unknown field '{key}'", "未知字段 '{key}'"),
    "did_you_mean": (" (did you mean '{suggestion}'?)", "（是否想写 '{suggestion}'？）"),
    "missing_field": ("required field is missing", "缺少必填字段"),
    "not_string": ("must be a non-empty string, got {got}", "应为非空字符串，实际为 {got}"),
    "not_positive_int": (
        "must be a whole number > 0, got {got}",
        "应为大于 0 的整数，实际为 {got}",
    ),
    "not_nonneg_int": (
        "must be a whole number >= 0, got {got}",
        "应为不小于 0 的整数，实际为 {got}",
    ),
    "not_positive_number": ("must be a number > 0, got {got}", "应为大于 0 的数，实际为 {got}"),
    "not_nonneg_number": ("must be a number >= 0, got {got}", "应为不小于 0 的数，实际为 {got}"),
    "not_bool": ("must be true or false, got {got}", "应为 true 或 false，实际为 {got}"),
    "not_address": (
        "must be IP addresses or networks (10.0.0.1, 10.0.0.0/8), separated by commas; got {got}",
        "应为以逗号分隔的 IP 地址或网段（10.0.0.1、10.0.0.0/8），实际为 {got}",
    ),
    "not_list": ("must be a list, got {got}", "应为列表，实际为 {got}"),
    "not_mapping": ("must be a mapping of fields, got {got}", "应为字段映射，实际为 {got}"),
    "not_choice": ("must be one of {choices}, got {got}", "应为 {choices} 之一，实际为 {got}"),
    "bad_latlon": (
        "must be a latitude in [-90, 90] and a longitude in [-180, 180], got {got}",
        "纬度应在 [-90, 90]、经度应在 [-180, 180] 之间，实际为 {got}",
    ),
    "too_large": ("must be at most {max}, got {got}", "不能超过 {max}，实际为 {got}"),
    "yaml_recursive": ("an alias refers to itself", "别名引用了自身"),
    "too_deep": (
        "nested deeper than {limit} levels; a scenario needs far fewer",
        "嵌套超过 {limit} 层；场景远不需要这么深",
    ),
    "too_many_nodes": (
        "more than {limit} values (YAML aliases counted as expanded); split the week",
        "超过 {limit} 个值（YAML 别名按展开后计算）；请拆分这一周",
    ),
    "control_char": (
        "must not contain the control character {code} (character {at})",
        "不得包含控制字符 {code}（第 {at} 个字符）",
    ),
    "surrogate_char": (
        "must not contain the unpaired surrogate {code} (character {at}); it is no character",
        "不得包含未配对的代理码位 {code}（第 {at} 个字符）；它不是字符",
    ),
    "bidi_char": (
        "must not contain the bidirectional control {code} (character {at}): it makes an id "
        "read as another",
        "不得包含双向文本控制符 {code}（第 {at} 个字符）：它会让编号看起来像另一个",
    ),
    "too_long": (
        "must be at most {limit} characters, got {got}",
        "不能超过 {limit} 个字符，实际为 {got} 个",
    ),
    "more_problems": ("and {count} more problems", "另有 {count} 个问题"),
    "problems_stopped": (
        "checking stopped after {limit} problems; fix these first",
        "发现 {limit} 个问题后停止检查；请先改正这些",
    ),
    "date_out_of_range": (
        "the date {got} is not between the years {low} and {high}",
        "日期 {got} 不在 {low} 年至 {high} 年之间",
    ),
    "start_has_offset": (
        "give the local time without an offset (the scenario's time zone applies), got {got}",
        "请填写不带时差的本地时间（按场景的时区），实际为 {got}",
    ),
    "start_in_gap": (
        "{got} does not exist in {zone}: the clocks jump over it (daylight saving)",
        "{got} 在 {zone} 不存在：时钟在夏令时切换时跳过了这一时刻",
    ),
    "cli_out_unwritable": (
        "cannot write the plan to {path}: {problem}; nothing was solved",
        "无法将计划写入 {path}：{problem}；未进行求解",
    ),
    "cli_bad_workers": (
        "--workers must be a whole number from 1 to {limit}, got {got}",
        "--workers 应为 1 至 {limit} 之间的整数，实际为 {got}",
    ),
    "cli_bad_seed": (
        "--seed must be a whole number from 0 to {limit}, got {got}",
        "--seed 应为 0 至 {limit} 之间的整数，实际为 {got}",
    ),
    "cli_bad_time_limit": (
        "--time-limit must be a number of seconds > 0 and at most {limit}, got {got}",
        "--time-limit 应为大于 0 且不超过 {limit} 的秒数，实际为 {got}",
    ),
    "cli_plan_other_scenario": (
        "{file} is a plan for the scenario '{got}', not for '{want}' ({scenario})",
        "{file} 是场景“{got}”的计划，不是“{want}”（{scenario}）的计划",
    ),
    "cli_plan_other_tasks": (
        "{file} names none of the tasks of {scenario} (it has {tasks}); "
        "it is a plan for another week",
        "{file} 中没有 {scenario} 的任何任务（其中为 {tasks}）；这是另一周的计划",
    ),
    "cli_out_is_dir": (
        "{path} is a folder; give a file name for the plan",
        "{path} 是文件夹，请给出计划的文件名",
    ),
    "cli_rejected": (
        "the broken plan is kept in {path} for the report",
        "违规的计划已保存到 {path}，便于报告",
    ),
    "duplicate_id": (
        "duplicate id '{id}' (first used at {first})",
        "重复的 id '{id}'（首次出现于 {first}）",
    ),
    "duplicate_key": (
        "field '{key}' is given twice (first at line {first})",
        "字段 '{key}' 重复出现（首次出现于第 {first} 行）",
    ),
    "unknown_ref": ("unknown {kind} '{id}'", "未知的{kind} '{id}'"),
    "kind_site": ("site", "地点"),
    "kind_team": ("team", "队伍"),
    "kind_volunteer": ("volunteer", "志愿者"),
    "kind_resident": ("resident", "居民"),
    "kind_task": ("task", "任务"),
    "bad_date": ("must be a date YYYY-MM-DD, got {got}", "应为日期 YYYY-MM-DD，实际为 {got}"),
    "not_monday": (
        "week_start {date} is a {weekday}, not a Monday",
        "week_start {date} 是{weekday}，不是星期一",
    ),
    "day_mon": ("Monday", "星期一"),
    "day_tue": ("Tuesday", "星期二"),
    "day_wed": ("Wednesday", "星期三"),
    "day_thu": ("Thursday", "星期四"),
    "day_fri": ("Friday", "星期五"),
    "day_sat": ("Saturday", "星期六"),
    "day_sun": ("Sunday", "星期日"),
    "bad_timezone": (
        "unknown time zone {got!r} (use an IANA place name such as Asia/Shanghai)",
        "未知时区 {got!r}（请使用 IANA 地名，如 Asia/Shanghai）",
    ),
    "bad_clock": (
        'must be a clock time "HH:MM" (24 h), got {got}',
        '应为 24 小时制时刻 "HH:MM"，实际为 {got}',
    ),
    "clock_unquoted": (
        'write clock times in quotes ("{text}"): unquoted, YAML reads {text} as the number {got}',
        '时刻请加引号（"{text}"）：不加引号时 YAML 会把 {text} 读成数字 {got}',
    ),
    "from_not_before_to": (
        "from {start} is not before to {end}",
        "开始时间 {start} 不早于结束时间 {end}",
    ),
    "from_to_pair": (
        "give both from and to, or neither (a whole day)",
        "from 与 to 应同时给出，或都不给（表示全天）",
    ),
    "whole_day_not_allowed": (
        "from and to are required here (only `unavailable` may name a whole day)",
        "此处必须给出 from 和 to（只有 unavailable 可以表示全天）",
    ),
    "days_or_date": (
        "give exactly one of days (a weekly block) or date (a one-off)",
        "days（每周）与 date（单次）必须二选一",
    ),
    "bad_day": (
        "unknown day '{got}' (use mon, tue, wed, thu, fri, sat, sun)",
        "未知星期 '{got}'（请用 mon…sun）",
    ),
    "empty_list": ("must not be empty", "不能为空"),
    "duplicate_goal": ("'{goal}' is named twice", "'{goal}' 重复出现"),
    "place_one_of": (
        "give exactly one of resident, site or location",
        "resident、site、location 必须且只能给出一个",
    ),
    "need_one_of": (
        "a need names exactly one of skill, team_skill or team",
        "每项需求必须且只能给出 skill、team_skill、team 之一",
    ),
    "min_gt_max": (
        "min_members {min} is greater than max_members {max}",
        "min_members {min} 大于 max_members {max}",
    ),
    "when_one_of": (
        "give exactly one of windows, start (a fixed start) or every + window",
        "windows、start（固定开始）、every + window 必须且只能给出一种",
    ),
    "every_needs_window": (
        "every needs a window {{from, to}}",
        "every 需要配合 window {{from, to}}",
    ),
    "bad_start": (
        'must be a local date and time "YYYY-MM-DDTHH:MM", got {got}',
        '应为本地日期时间 "YYYY-MM-DDTHH:MM"，实际为 {got}',
    ),
    "start_outside_week": (
        "fixed start {got} is not in the week {week_start} .. {week_end}",
        "固定开始时间 {got} 不在 {week_start} 至 {week_end} 这一周内",
    ),
    "start_crosses_week": (
        "the event would end after the week ends (Sunday 24:00)",
        "活动会在本周结束（周日 24:00）之后才结束",
    ),
    "duration_fits_no_window": (
        "the duration of {duration} minutes fits no window (the longest is {longest} minutes)",
        "时长 {duration} 分钟放不进任何时间窗（最长的时间窗为 {longest} 分钟）",
    ),
    "task_no_window_in_week": (
        "no window of this task falls inside the week",
        "该任务没有落在本周内的时间窗",
    ),
    "duplicate_decline": ("this decline is listed twice", "该拒绝记录重复"),
    "duplicate_pin": ("task '{task}' is pinned twice", "任务 '{task}' 被重复固定"),
    "pin_volunteer_twice": (
        "volunteer '{id}' appears twice in the pin",
        "志愿者 '{id}' 在固定安排中出现两次",
    ),
    "pin_too_many": (
        "pins {count} volunteers but the task takes at most {max}",
        "固定了 {count} 名志愿者，但该任务最多需要 {max} 名",
    ),
    "pin_breaks_rule": ("pinned volunteer '{id}' {why}", "固定的志愿者 '{id}'{why}"),
    "pin_no_role": (
        "fills none of the task's roles (no matching skill or team)",
        "不符合该任务的任何角色（技能或队伍不符）",
    ),
    "pin_not_vetted": (
        "is not vetted, and the task is vetted_only",
        "未通过背景审核，而该任务要求 vetted_only",
    ),
    "pin_gender": ("does not match the resident's gender preference", "不符合居民的性别要求"),
    "pin_language": ("speaks none of the task's languages", "不会该任务要求的任何语言"),
    "pin_declined": ("declined this task", "已拒绝该任务"),
    "pin_out_of_range": (
        "lives {travel} minutes away, over their limit of {limit}",
        "住处距离 {travel} 分钟，超过其上限 {limit} 分钟",
    ),
    "pin_hours": (
        "has {hours} hours a week, less than the task's {duration} minutes",
        "每周只有 {hours} 小时，少于该任务的 {duration} 分钟",
    ),
    "pin_no_time": (
        "is never free for it, travel from and back home included",
        "在该任务的时间内（含往返路程）没有空闲",
    ),
    "pin_no_common_time": (
        "the pinned volunteers are never free together for this task",
        "被固定的志愿者没有共同的空闲时间来完成该任务",
    ),
    "pin_roles": (
        "the pinned volunteers cannot fill distinct roles of the task at once",
        "被固定的志愿者无法同时各自承担该任务的不同角色",
    ),
    "pin_task_impossible": (
        "pinned task '{task}' cannot be served at all ({reason}: {detail})",
        "被固定的任务“{task}”本身无法完成（{reason}：{detail}）",
    ),
    "pin_never_in_crew": (
        "pinned volunteer '{id}' can never be part of a full crew for '{task}'",
        "被固定的志愿者“{id}”无法与他人组成“{task}”的完整人员",
    ),
    "pins_clash": ("pins cannot all hold together: {tasks}", "以下固定安排无法同时满足：{tasks}"),
    "model_infeasible": (
        "BUG: a part of {tasks} tasks has no plan at all; please report this scenario",
        "程序错误：一部分（{tasks} 项任务）找不到任何计划，请报告此场景",
    ),
    "no_plan_in_time": (
        "no plan found in time for a part of {tasks} tasks ({status})",
        "在时限内未能为一部分（{tasks} 项任务）找到计划（{status}）",
    ),
    "expect_bad_reason": (
        "unknown reason '{got}' (use no_skill, out_of_range, excluded, no_time, capacity)",
        "未知原因 '{got}'（可用 no_skill、out_of_range、excluded、no_time、capacity）",
    ),
    "expect_fraction": (
        "must be a fraction between 0 and 1, got {got}",
        "应为 0 到 1 之间的比例，实际为 {got}",
    ),
    "scenario_invalid": (
        "{file}: {count} problem(s) found; nothing was solved",
        "{file}：发现 {count} 个问题，未进行求解",
    ),
    # --- reasons a task stays unserved ------------------------------------------------------
    "why_no_skill_none": ("no volunteer has skill '{skill}'", "没有志愿者具备技能“{skill}”"),
    "why_no_skill_skill": (
        "{have} volunteer(s) have skill '{skill}', {need} needed",
        "具备技能“{skill}”的志愿者有 {have} 名，需要 {need} 名",
    ),
    "why_no_skill_team_skill": (
        "no team with skill '{skill}' has {need} members (largest: {have})",
        "没有具备“{skill}”的队伍有 {need} 名成员（最多 {have} 名）",
    ),
    "why_no_skill_team": (
        "team '{team}' has {have} member(s), {need} needed",
        "队伍“{team}”有 {have} 名成员，需要 {need} 名",
    ),
    "why_no_skill_people": (
        "the roles need {need} different people, but only {have} qualify for them together",
        "各角色共需 {need} 名不同的人，但能同时胜任的只有 {have} 名",
    ),
    "why_out_of_range": (
        "only {inside} of the {total} who can do '{role}' live within their travel limit, "
        "{need} needed; the nearest other lives {nearest} minutes away by {mode} (limit {limit})",
        "能承担“{role}”的 {total} 人中只有 {inside} 人在出行上限内，需要 {need} 人；"
        "最近的其他人{mode}需 {nearest} 分钟（上限 {limit} 分钟）",
    ),
    "why_out_of_range_none": (
        "no volunteer within their travel limit can do '{role}'; the nearest who can lives "
        "{nearest} minutes away by {mode} (limit {limit})",
        "出行上限内没有能承担“{role}”的志愿者；"
        "最近的一位{mode}需 {nearest} 分钟（上限 {limit} 分钟）",
    ),
    "mode_walk": ("walk", "步行"),
    "mode_bike": ("bike", "骑自行车"),
    "mode_ebike": ("e-bike", "骑电动车"),
    "mode_car": ("car", "开车"),
    "why_out_of_range_short": (
        "too few within reach for '{role}': {inside} of {total} live within their travel limit",
        "“{role}”可达的人太少：{total} 人中只有 {inside} 人在其出行上限内",
    ),
    "why_excluded": (
        "too few remain for '{role}' after the safeguards: {why}",
        "按保障要求筛选后“{role}”人数不足：{why}",
    ),
    "excl_vetted": ("not vetted: {ids}", "未审核：{ids}"),
    "excl_gender": ("gender preference: {ids}", "性别要求：{ids}"),
    "excl_language": ("no common language: {ids}", "语言不通：{ids}"),
    "excl_declined": ("declined: {ids}", "已拒绝：{ids}"),
    "why_no_time": (
        "the {count} who qualify are never free together for {duration} minutes inside its "
        "windows, travel from and back home included",
        "符合条件的 {count} 人在其时间窗内没有共同的 {duration} 分钟空闲（含往返路程）",
    ),
    "why_no_time_hours": (
        "nobody who qualifies has {duration} minutes of weekly hours",
        "符合条件的人每周时长都不足 {duration} 分钟",
    ),
    "why_capacity": (
        "could be served on its own, but its people were given to: {taken}",
        "本可单独完成，但相关人员已被安排给：{taken}",
    ),
    "why_capacity_unknown": (
        "could be served on its own, but not together with the tasks served",
        "本可单独完成，但无法与已安排的任务同时完成",
    ),
    "taken_item": ("{task} ({volunteers})", "{task}（{volunteers}）"),
    # --- checking a plan --------------------------------------------------------------------
    "check_not_object": ("the plan is not a JSON object", "计划不是 JSON 对象"),
    "check_not_list": ("{key} is not a list of objects", "{key} 不是由对象组成的列表"),
    "check_bad_status": (
        "status {status!r} is not optimal, feasible or error with a message",
        "状态 {status!r} 既不是 optimal、feasible，也不是附带说明的 error",
    ),
    "check_unknown_task": (
        "assignment for unknown task {task!r}",
        "安排中的任务 {task!r} 不存在",
    ),
    "check_bad_time": ("{task}: bad time ({problem})", "{task}：时间有误（{problem}）"),
    "check_time_missing": ("no {field}", "缺少 {field}"),
    "check_time_not_iso": (
        "not an ISO 8601 timestamp: {stamp}",
        "不是 ISO 8601 格式的时间戳：{stamp}",
    ),
    "check_time_no_offset": ("timestamp without offset: {stamp}", "时间戳未带时差：{stamp}"),
    "check_time_outside_week": (
        "timestamp outside the week: {stamp}",
        "时间戳不在本周内：{stamp}",
    ),
    "check_duration": (
        "{task}: lasts {minutes} minutes, not {want}",
        "{task}：持续 {minutes} 分钟，而应为 {want} 分钟",
    ),
    "check_start_outside": (
        "{task}: starts at {start}, outside its windows or fixed start",
        "{task}：开始时间 {start} 不在其时间窗内，也不是其固定开始时间",
    ),
    "check_two_roles": (
        "{task}: one volunteer fills two roles",
        "{task}：同一名志愿者承担了两个角色",
    ),
    "check_unknown_volunteer": (
        "{task}: unknown volunteer {volunteer!r}",
        "{task}：志愿者 {volunteer!r} 不存在",
    ),
    "check_no_role": (
        "{task}: {volunteer} has no role {role!r}",
        "{task}：{volunteer} 所担任的角色 {role!r} 不存在",
    ),
    "check_unqualified": (
        "{task}: {volunteer} does not qualify for role {role} (team {team!r})",
        "{task}：{volunteer} 不能胜任角色 {role}（队伍 {team!r}）",
    ),
    "check_not_vetted": ("{task}: {volunteer} is not vetted", "{task}：{volunteer} 未通过背景审核"),
    "check_gender": (
        "{task}: {volunteer} does not match the gender preference",
        "{task}：{volunteer} 不符合性别要求",
    ),
    "check_language": (
        "{task}: {volunteer} speaks none of the task's languages",
        "{task}：{volunteer} 不会该任务要求的任何语言",
    ),
    "check_declined": ("{task}: {volunteer} declined the task", "{task}：{volunteer} 已拒绝该任务"),
    "check_too_far": (
        "{task}: {volunteer} lives {travel} minutes away, over {limit}",
        "{task}：{volunteer} 住处距离 {travel} 分钟，超过其上限 {limit} 分钟",
    ),
    "check_role_size": (
        "{task}: role {role} has {count}, needs {min}..{max}",
        "{task}：角色 {role} 有 {count} 人，应为 {min} 至 {max} 人",
    ),
    "check_mixed_teams": (
        "{task}: role {role} mixes teams",
        "{task}：角色 {role} 的成员来自不同队伍",
    ),
    "check_unknown_unserved": (
        "unserved lists unknown task {task!r}",
        "unserved 中的任务 {task!r} 不存在",
    ),
    "check_listed": (
        "{task} is listed {count} times, not once",
        "{task} 出现了 {count} 次，而应恰好出现一次",
    ),
    "check_pin_not_kept": (
        "pin of {task} ({volunteers}) is not kept",
        "{task} 的固定安排（{volunteers}）未被遵守",
    ),
    "check_wrong_reason": (
        "{task}: reason {got!r}, but it is {want!r}",
        "{task}：原因写为 {got!r}，实际应为 {want!r}",
    ),
    "check_wrong_figure": (
        "objective.{key} claims {claimed} but is {actual}",
        "objective.{key} 声称为 {claimed}，实际为 {actual}",
    ),
    "check_wrong_max_load": (
        "objective.max_load claims {claimed} but is {actual:.4f}",
        "objective.max_load 声称为 {claimed}，实际为 {actual:.4f}",
    ),
    "check_no_bound": ("plan has no bound per priority", "计划缺少各优先级的上界（bound）"),
    "check_bound_range": (
        "bound.{priority}={bound!r} is not between served {served} and tasks {tasks}",
        "bound.{priority}={bound!r} 不在已安排数 {served} 与任务数 {tasks} 之间",
    ),
    "check_bound_not_served": (
        "status optimal but bound.{priority}={bound} != served {served}",
        "状态为 optimal，但 bound.{priority}={bound} 不等于已安排数 {served}",
    ),
    "check_over_hours": (
        "{volunteer}: {minutes} minutes of service, over {hours} hours",
        "{volunteer}：服务 {minutes} 分钟，超过每周 {hours} 小时的上限",
    ),
    "check_outside_blocks": (
        "{volunteer}: {task} is not inside one of their availability blocks",
        "{volunteer}：{task} 不在其任何一个空闲时段内",
    ),
    "check_late": (
        "{volunteer}: cannot reach {task} in time (free at {free_at}, {travel} min away)",
        "{volunteer}：无法及时赶到 {task}（{free_at} 才有空，路程 {travel} 分钟）",
    ),
    "check_not_home": (
        "{volunteer}: not home by the end of their block after {task}",
        "{volunteer}：完成 {task} 后无法在空闲时段结束前回到家",
    ),
    # --- the service ------------------------------------------------------------------------
    "unauthenticated": (
        "give a valid token: Authorization: Bearer <token>",
        "请提供有效的令牌：Authorization: Bearer <令牌>",
    ),
    "forbidden_role": ("a {role} token may not do this", "{role} 令牌无权执行此操作"),
    "forbidden_area": (
        "this token may not act in area '{area}'",
        "此令牌无权操作区域 '{area}'",
    ),
    "forbidden_volunteer": (
        "this token may only act for volunteer '{volunteer}'",
        "此令牌只能代表志愿者 '{volunteer}' 操作",
    ),
    "area_required": (
        "name the area (?area=...): this token may act in {areas}",
        "请指明区域（?area=...）：此令牌可操作的区域为 {areas}",
    ),
    "bad_area_id": (
        "an area id is 1-64 letters, digits, '-', '_' or '.', got {got}",
        "区域 id 应为 1 至 64 个字母、数字、'-'、'_' 或 '.'，实际为 {got}",
    ),
    "json_syntax": ("not valid JSON: {problem}", "不是有效的 JSON：{problem}"),
    "bad_body": ("the request body is not valid: {problem}", "请求内容无效：{problem}"),
    "empty_header": (
        "the {header} header is empty; send a non-empty value or leave the header out",
        "{header} 请求头为空；请填写非空值，或不发送该请求头",
    ),
    "week_mismatch": (
        "the scenario is for the week of {got}, but the request names the week of {want}",
        "场景属于 {got} 这一周，但请求指定的是 {want} 这一周",
    ),
    "id_mismatch": (
        "the body names id '{got}', but the path names '{want}'",
        "请求内容中的 id 为 '{got}'，但路径中为 '{want}'",
    ),
    "store_conflict": (
        "another request stored the same thing at the same moment; nothing of this request "
        "was stored: read it again before changing it",
        "另一个请求同时保存了相同的内容；此请求的内容均未保存，请重新读取后再修改",
    ),
    "already_exists": (
        "{kind} '{id}' already exists (PUT changes it)",
        "{kind} '{id}' 已存在（可用 PUT 修改）",
    ),
    "not_found": ("no {kind} '{id}'", "不存在的{kind} '{id}'"),
    "route_not_found": ("no such resource: {path}", "没有此资源：{path}"),
    "method_not_allowed": (
        "{method} is not allowed on {path}",
        "{path} 不支持 {method} 方法",
    ),
    "plan_active": (
        "a plan for this area and week is already queued or running; wait for it or cancel it",
        "该区域本周已有排队或运行中的计划；请等待其完成或取消它",
    ),
    "idempotency_key_reused": (
        "this Idempotency-Key was used before with a different request",
        "此 Idempotency-Key 已用于另一个不同的请求",
    ),
    "conflict": (
        "the request clashes with what is stored: {detail}",
        "请求与已存数据冲突：{detail}",
    ),
    "kind_area": ("area", "区域"),
    "kind_week": ("week", "周"),
    "kind_plan": ("plan", "计划"),
    "kind_assignment": ("assignment", "安排"),
    "kind_token": ("token", "令牌"),
    "area_keeps_zone": (
        "area '{area}' keeps its times in {zone}, not {got}",
        "区域“{area}”的时间按 {zone} 记录，不能改为 {got}",
    ),
    "still_used_by": ("{kind} '{id}' is still used by {users}", "{kind}“{id}”仍被使用：{users}"),
    "still_used": (
        "{kind} '{id}' is still used by tasks, pins, declines, history or plans",
        "{kind}“{id}”仍被任务、固定安排、拒绝记录、历史或计划使用",
    ),
    "used_by_item": ("{kind} '{id}'", "{kind}“{id}”"),
    "plan_active_for": (
        "a plan for {area}, week of {week} is already queued or running",
        "{area} 在 {week} 这一周已有排队或运行中的计划",
    ),
    "plan_already_finished": (
        "plan {plan} has already finished ({status})",
        "计划 {plan} 已经结束（{status}）",
    ),
    "plan_not_finished": (
        "plan {plan} is {status}; only a finished plan is published or scored again",
        "计划 {plan} 的状态是 {status}；只有已完成的计划才能发布或重新评分",
    ),
    "assignment_was_declined": ("assignment {id} was declined", "安排 {id} 已被拒绝"),
    "assignment_already_declined": (
        "assignment {id} was already declined; nothing changed",
        "安排 {id} 此前已被拒绝，没有任何改动",
    ),
    "repair_busy": (
        "the decline of assignment {id} is recorded, but the store was too busy to repair the "
        "week's plan; decline again in {seconds} s to repair it",
        "安排 {id} 的拒绝已记录，但数据库繁忙，未能修复本周计划；"
        "请 {seconds} 秒后再次拒绝以修复计划",
    ),
    "assignment_moved": (
        "your decline of assignment {id} is recorded; the plan had already given this visit to "
        "someone else, so you are no longer on it",
        "已记录你对安排 {id} 的拒绝；计划此前已将这次探访交给他人，你已不在其中",
    ),
    "repair_contended": (
        "the decline of assignment {id} is recorded, but the week's plan kept changing while "
        "it was being repaired; decline again to repair it",
        "安排 {id} 的拒绝已记录，但修复期间本周计划不断变化；请再次拒绝以修复计划",
    ),
    "assignment_not_published": (
        "assignment {id} is not in the week's published plan",
        "安排 {id} 不在本周已发布的计划中",
    ),
    "client_disconnected": (
        "the connection closed before the whole request body arrived; nothing was stored",
        "请求体尚未完整收到连接就已关闭；未保存任何内容",
    ),
    "auth_throttled": (
        "too many failed sign-ins from this address; try again in {seconds} s",
        "此地址登录失败次数过多；请 {seconds} 秒后再试",
    ),
    "token_expired": (
        "this token expired at {at}; ask an admin for a new one",
        "此令牌已于 {at} 过期；请向管理员申请新令牌",
    ),
    "token_expiry_range": (
        "must be between 1 and {most} days, got {got}",
        "应在 1 到 {most} 天之间，实际为 {got}",
    ),
    "token_expiry_format": (
        "must be a number of days, hours or minutes such as 30d, 12h or 90m, got {got!r}",
        "应为天数、小时数或分钟数，如 30d、12h 或 90m，实际为 {got!r}",
    ),
    "token_replaced": (
        "revoked {count} earlier token(s) named '{name}'",
        "已撤销 {count} 个同名（“{name}”）的旧令牌",
    ),
    "token_bad_role": (
        "role must be one of {roles}, not {got}",
        "角色应为 {roles} 之一，而不是 {got}",
    ),
    "token_coordinator_areas": (
        "a coordinator's token names at least one area",
        "协调员的令牌至少要指定一个区域",
    ),
    "token_volunteer_scope": (
        "a volunteer's token names their area and their volunteer id",
        "志愿者的令牌要指定其区域和志愿者编号",
    ),
    "token_volunteer_only": (
        "only a volunteer's token names a volunteer",
        "只有志愿者的令牌才指定志愿者",
    ),
    "invalid_request": (
        "{count} problem(s) in the request; nothing was stored",
        "请求中有 {count} 个问题，未保存任何内容",
    ),
    "server_error": (
        "something went wrong on our side; nothing of this request was stored",
        "服务器内部出错；此请求的内容均未保存",
    ),
    "store_busy": (
        "the store is busy with other changes; nothing of this request was stored: "
        "try again in {seconds} s",
        "数据库正忙于其他修改；此请求的内容均未保存，请 {seconds} 秒后重试",
    ),
    "token_needs_area": (
        "a coordinator's token names at least one area",
        "协调员的令牌至少需要指定一个区域",
    ),
    "token_volunteer": (
        "a volunteer's token names exactly one area and the volunteer's id",
        "志愿者的令牌需要指定一个区域和该志愿者的 id",
    ),
    "token_no_volunteer": (
        "only a volunteer's token names a volunteer",
        "只有志愿者的令牌才能指定志愿者",
    ),
    "plan_cancelled": ("cancelled", "已取消"),
    "plan_safety_net": (
        "the solver's plan breaks the contract (a bug; please report it): {violations}",
        "求解器生成的计划违反约定（程序错误，请报告）：{violations}",
    ),
    "plan_solver_failed": ("the solver failed: {error}", "求解器出错：{error}"),
    "publish_stale": (
        "plan {plan} no longer fits the week as it is now (it changed since the solve): "
        "{violations}; solve the week again",
        "计划 {plan} 已不符合本周的现状（求解之后本周有改动）：{violations}；请重新求解本周",
    ),
    "and_more": ("; and {count} more", "；另有 {count} 处"),
    "plan_scenario_invalid": (
        "the stored week no longer forms a valid scenario: {problems}",
        "已存的这一周数据不再构成有效的场景：{problems}",
    ),
    "setting_invalid": (
        "environment variable {name}={got}: {problem}",
        "环境变量 {name}={got}：{problem}",
    ),
    "cli_serving": ("mutualaid serves at {url}", "mutualaid 服务地址：{url}"),
    "cli_loaded": (
        "loaded {file} into area '{area}', week of {week}",
        "已将 {file} 载入区域 '{area}'（{week} 这一周）",
    ),
    "cli_token_created": (
        "token {id} ({role}); the secret is shown this once:",
        "令牌 {id}（{role}）；密钥仅显示这一次：",
    ),
    "cli_try": ("try:", "试试："),
    "cli_token_file": (
        "also written to {file} (readable by you only); in a shell: export T=$(cat {file})",
        "同时写入 {file}（仅本人可读）；在 shell 中：export T=$(cat {file})",
    ),
    "cli_token_expires": ("it expires at {at}", "过期时间：{at}"),
    "cli_pages": ("in a browser: {url}", "在浏览器中打开：{url}"),
    "cli_page_token_coordinator": (
        "sign in as the area's coordinator with:",
        "以本街道协调员身份登录，令牌：",
    ),
    "cli_page_token_volunteer": (
        "sign in as a volunteer (on a phone; their week, once a plan is published: {url}) with:",
        "以志愿者身份登录（手机；发布计划后本周安排见 {url}），令牌：",
    ),
    # --- the command line -------------------------------------------------------------------
    "cli_solving": ("Solving {name}", "正在求解 {name}"),
    "cli_progress": (
        "best coverage {served}  bound {bound}  {elapsed:.1f}s",
        "当前最优覆盖 {served}  上界 {bound}  {elapsed:.1f} 秒",
    ),
    "cli_status": ("status {status} in {seconds:.2f}s", "状态 {status}，用时 {seconds:.2f} 秒"),
    "cli_coverage": ("Coverage by priority", "各优先级覆盖情况"),
    "cli_priority": ("priority", "优先级"),
    "cli_served": ("served", "已安排"),
    "cli_tasks": ("tasks", "任务数"),
    "cli_bound": ("bound", "上界"),
    "cli_greedy": ("greedy", "贪心"),
    "cli_unserved": ("Unserved tasks by reason", "未安排任务（按原因）"),
    "cli_reason": ("reason", "原因"),
    "cli_task": ("task", "任务"),
    "cli_detail": ("detail", "说明"),
    "cli_loads": ("Volunteers: load and route", "志愿者：负荷与路线"),
    "cli_volunteer": ("volunteer", "志愿者"),
    "cli_load": ("load", "负荷"),
    "cli_route": ("route", "路线"),
    "cli_figures": (
        "continuity {continuity}   travel {travel} min   max load {max_load:.0%}",
        "连续服务 {continuity}   路程 {travel} 分钟   最大负荷 {max_load:.0%}",
    ),
    "cli_wrote": ("plan written to {path}", "计划已写入 {path}"),
    "cli_plan_error": ("no plan: {error}", "无法生成计划：{error}"),
    "cli_check_ok": (
        "{file}: ok — {volunteers} volunteers, {teams} teams, {residents} residents, "
        "{tasks} tasks ({infeasible} impossible on their own)",
        "{file}：通过——志愿者 {volunteers} 名、队伍 {teams} 支、居民 {residents} 名、"
        "任务 {tasks} 项（其中 {infeasible} 项本身无法完成）",
    ),
    "cli_plan_ok": ("{file}: the plan keeps every rule", "{file}：计划符合全部规则"),
    "cli_plan_bad": (
        "{file}: the plan breaks {count} rule(s):",
        "{file}：计划违反 {count} 条规则：",
    ),
    "cli_safety_net": (
        "BUG: the solver produced a plan that breaks the contract; please report it:",
        "程序错误：求解器生成的计划违反约定，请报告此问题：",
    ),
    "cli_replay_ok": ("ok", "通过"),
    "cli_replay_fail": ("FAIL", "失败"),
    "cli_replay_summary": (
        "{passed} passed, {failed} failed",
        "通过 {passed} 个，失败 {failed} 个",
    ),
    "cli_no_scenarios": ("no scenario files found in {paths}", "在 {paths} 中没有找到场景文件"),
    "cli_generated": (
        "wrote {path}: {tasks} tasks, {volunteers} volunteers, {subdistricts} subdistricts",
        "已写入 {path}：任务 {tasks} 项、志愿者 {volunteers} 名、街道 {subdistricts} 个",
    ),
    "cli_db_upgraded": ("database at revision {revision}", "数据库已升级到版本 {revision}"),
    "would_withdraw": (
        "this would withdraw {count} assignment(s) of the published plan, of {tasks} task(s) "
        "no longer in the week: {ids}; send it again with ?replace=true to replace them",
        "此操作将撤回已发布计划中的 {count} 项安排，涉及本周不再包含的 {tasks} 个任务：{ids}；"
        "确需替换请加上 ?replace=true 重新提交",
    ),
    "assignment_withdrawn": (
        "task '{task}' was withdrawn after the plan was published; there is nothing to answer",
        "任务“{task}”在计划发布后已被撤回，无需答复",
    ),
    "expect_served_missing": (
        "expected served, but {task} is unserved ({reason})",
        "预期安排 {task}，但未安排（{reason}）",
    ),
    "expect_unserved_served": (
        "expected {task} unserved ({reason}), but it is served",
        "预期 {task} 未安排（{reason}），但已安排",
    ),
    "expect_reason_differs": (
        "{task}: reason {got}, expected {want}",
        "{task}：原因为 {got}，预期为 {want}",
    ),
    "expect_coverage_low": (
        "coverage of {priority} is {got:.0%}, expected at least {want:.0%}",
        "{priority} 覆盖率为 {got:.0%}，预期至少 {want:.0%}",
    ),
    "expect_unknown_task": (
        "expect names unknown task '{task}'",
        "expect 中的任务 '{task}' 不存在",
    ),
    "place_home": ("{name}'s home", "{name}家"),
    "cal_helps": ("Helping: {who}", "服务对象：{who}"),
    "cal_role": ("Role: {role}", "角色：{role}"),
    "cal_with": ("With: {who}", "同行：{who}"),
    "cal_alone": ("With: nobody else", "同行：无"),
    "cal_name": ("mutualaid: {name}, week of {week}", "互助：{name}，{week} 这一周"),
}

# The pages' sentences (labels, buttons, headings) live in a sibling catalogue of the same shape.
CATALOGUE.update(PAGE_CATALOGUE)

LOCALES = ("en", "zh")
_CHOSEN: ContextVar[str | None] = ContextVar("mutualaid_locale", default=None)


def locale() -> str:
    chosen = _CHOSEN.get() or os.environ.get("MUTUALAID_LANG") or os.environ.get("LANG", "")
    return "zh" if chosen.lower().startswith("zh") else "en"


@contextmanager
def using_locale(code: str) -> Iterator[None]:
    """Within the block (and this thread or task only), `msg` speaks `code` (en | zh)."""
    token = _CHOSEN.set(code)
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def msg(_key: str, **fields: object) -> str:
    """The catalogue's sentence for key, in the active locale, with fields filled in."""
    en, zh = CATALOGUE[_key]
    return (zh if locale() == "zh" else en).format(**fields)


def msg_in(code: str, _key: str, **fields: object) -> str:
    """The catalogue's sentence for key in locale `code` (en | zh), whatever is active."""
    en, zh = CATALOGUE[_key]
    return (zh if code == "zh" else en).format(**fields)
