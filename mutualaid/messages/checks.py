"""The engine's sentences: why a task stays unserved, how a plan breaks the contract
(the validator's violations) and how it falls short of a scenario's `expect:` block."""

from __future__ import annotations

CHECKS: dict[str, tuple[str, str]] = {
    # --- reasons a task stays unserved ------------------------------------------------------
    "why_no_skill_none": ("no volunteer has skill '{skill}'", "没有志愿者具备技能“{skill}”"),
    "why_no_skill_skill": (
        "{have:plural:volunteer has:volunteers have} skill '{skill}', {need} needed",
        "具备技能“{skill}”的志愿者有 {have} 名，需要 {need} 名",
    ),
    "why_no_skill_team_skill": (
        "no team with skill '{skill}' has {need} members (largest: {have})",
        "没有具备“{skill}”的队伍有 {need} 名成员（最多 {have} 名）",
    ),
    "why_no_skill_team": (
        "team '{team}' has {have:plural:member:members}, {need} needed",
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
        "no {people} of the {count} who qualify are free together for {duration} minutes "
        "inside its windows, travel from and back home included",
        "符合条件的 {count} 人中，在其时间窗内找不到 {people} 人共同空闲 {duration} 分钟"
        "（含往返路程）",
    ),
    "why_no_time_all": (
        "the {count} who qualify, all needed, are never free together for {duration} minutes "
        "inside its windows, travel from and back home included",
        "符合条件的 {count} 人（须全部到场）在其时间窗内没有共同的 {duration} 分钟空闲"
        "（含往返路程）",
    ),
    "why_no_time_one": (
        "none of the {count} who qualify is free for {duration} minutes inside its windows, "
        "travel from and back home included",
        "符合条件的 {count} 人在其时间窗内都没有 {duration} 分钟空闲（含往返路程）",
    ),
    "why_no_time_one_of_one": (
        "the one person who qualifies is not free for {duration} minutes inside its windows, "
        "travel from and back home included",
        "唯一符合条件的人在其时间窗内没有 {duration} 分钟空闲（含往返路程）",
    ),
    "why_no_time_hours": (
        "nobody who qualifies has {duration} minutes of weekly hours",
        "符合条件的人每周时长都不足 {duration} 分钟",
    ),
    "why_capacity": (
        "could be served on its own, but its people were given to: {taken}",
        "本可单独完成，但相关人员已被安排给：{taken}",
    ),
    "why_capacity_more": (
        "could be served on its own, but its people were given to: {taken} (+{more})",
        "本可单独完成，但相关人员已被安排给：{taken} (+{more})",
    ),
    "why_capacity_unknown": (
        "could be served on its own, but not together with the tasks served",
        "本可单独完成，但无法与已安排的任务同时完成",
    ),
    "why_capacity_past": (
        "could be served on its own, but every start in its windows is before {at}, when the "
        "plan was repaired",
        "本可单独完成，但其时间窗内的开始时间都早于本次调整的时刻 {at}",
    ),
    "why_recommend_past": (
        "could be served on its own, but every start in its windows is before {at}, now",
        "本可单独完成，但其时间窗内的开始时间都早于现在（{at}）",
    ),
    "taken_item": ("{task} ({volunteers})", "{task}（{volunteers}）"),
    # --- checking a plan --------------------------------------------------------------------
    "check_not_object": ("the plan is not a JSON object", "计划不是 JSON 对象"),
    "check_not_list": ("{key} is not a list of objects", "{key} 不是由对象组成的列表"),
    "check_not_mapping": ("{key} is not an object", "{key} 不是对象"),
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
    # --- replay expectations -----------------------------------------------------------------
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
}
