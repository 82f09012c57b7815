"""The loader's sentences: what is wrong with a scenario file, field by field."""

from __future__ import annotations

SCENARIO: dict[str, tuple[str, str]] = {
    # --- loading a scenario -----------------------------------------------------------------
    "at_line": ("line {line}", "第 {line} 行"),
    # where something is (a line, a field, a file), then what: Chinese takes the full-width colon
    "located": ("{where}: {text}", "{where}：{text}"),
    "line_after": ("{text} (line {line})", "{text}（第 {line} 行）"),
    "yaml_syntax": ("not valid YAML: {problem}", "不是有效的 YAML：{problem}"),
    "file_unreadable": ("cannot read the file: {problem}", "无法读取文件：{problem}"),
    # why a file cannot be read, and PyYAML's problems, said again (mutualaid.contract.yaml_words)
    "file_missing": ("no such file", "文件不存在"),
    "file_is_folder": ("it is a folder, not a file", "这是文件夹，不是文件"),
    "file_denied": ("permission denied", "没有读取权限"),
    "file_os_error": ("the system refused it (error {code})", "系统拒绝读取（错误号 {code}）"),
    "write_no_folder": ("its folder does not exist", "所在文件夹不存在"),
    "write_is_folder": ("it is a folder, not a file", "这是文件夹，不是文件"),
    "write_path_file": (
        "a part of its path is a file, not a folder",
        "路径中有一段是文件而不是文件夹",
    ),
    "write_denied": ("permission denied", "没有写入权限"),
    "write_disk_full": ("the disk is full", "磁盘已满"),
    "write_os_error": ("the system refused it (error {code})", "系统拒绝写入（错误号 {code}）"),
    "file_not_utf8": ("it is not UTF-8 text (byte {at})", "不是 UTF-8 文本（第 {at} 字节）"),
    "yaml_value_missing": ("a value is missing before {found}", "{found}之前缺少值"),
    "yaml_expected": ("expected {what}, found {found}", "此处应为{what}，却遇到{found}"),
    "yaml_colon_here": (
        "a ':' is not allowed here (a line indented wrongly, or a value with ': ' not quoted?)",
        "此处不允许出现 ':'（缩进是否有误，或含 ': ' 的值是否缺少引号？）",
    ),
    "yaml_colon_missing": ("a ':' was expected", "此处应有 ':'"),
    "yaml_unclosed": (
        "the text ends before a quote or bracket is closed",
        "引号或括号尚未闭合，文本就结束了",
    ),
    "yaml_alias_unknown": ("alias {name} is not defined", "别名 {name} 未定义"),
    "yaml_anchor_twice": ("anchor {name} is defined twice", "锚点 {name} 定义了两次"),
    "yaml_cannot_start": (
        "{char} cannot begin a value here (YAML is not indented with tabs)",
        "此处不能以 {char} 开头（YAML 不能用制表符缩进）",
    ),
    "yaml_bad_escape": ("unknown escape {char} in a quoted text", "引号内的转义 {char} 无效"),
    "yaml_cannot_read_here": ("the text cannot be read here", "此处的写法无法读取"),
    "yaml_end_of_text": ("the end of the text", "文本结尾"),
    "yaml_block_end": ("the end of the indented block", "缩进块的结尾"),
    "yaml_a_key": ("a field name", "字段名"),
    "yaml_a_dash": ("a '-' item", "以 '-' 开头的列表项"),
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
    "not_timer_seconds": (
        "must be a number of seconds > 0 and at most {most}, got {got}",
        "应为大于 0 且不超过 {most} 的秒数，实际为 {got}",
    ),
    "not_nonneg_number": ("must be a number >= 0, got {got}", "应为不小于 0 的数，实际为 {got}"),
    "not_bool": ("must be true or false, got {got}", "应为 true 或 false，实际为 {got}"),
    "not_address": (
        "must be IP addresses or networks (10.0.0.1, 10.0.0.0/8), separated by commas; got {got}",
        "应为以逗号分隔的 IP 地址或网段（10.0.0.1、10.0.0.0/8），实际为 {got}",
    ),
    "not_dask_scheduler": (
        "must be a Dask scheduler's address, tcp://HOST:PORT (tls://, ws://, wss://, ucx:// "
        "too; a port of 1-65535); got {got}",
        "应为 Dask 调度器的地址，形如 tcp://主机:端口（也可用 tls://、ws://、wss://、ucx://；"
        "端口为 1-65535），实际为 {got}",
    ),
    "not_list": ("must be a list, got {got}", "应为列表，实际为 {got}"),
    # what was given instead (mutualaid.contract.fields.describe)
    "got_null": ("nothing (null)", "空值（null）"),
    "got_mapping": ("a mapping", "字段映射"),
    "got_list": ("a list", "列表"),
    "got_value": ("{value} ({kind})", "{value}（{kind}）"),
    "got_kind_int": ("int", "整数"),
    "got_kind_float": ("float", "小数"),
    "got_kind_bool": ("bool", "布尔值"),
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
    "end_in_gap": (
        "a visit starting {got} would end at a time that does not exist in {zone}: the clocks "
        "jump over it (daylight saving)",
        "从 {got} 开始的服务会结束在 {zone} 不存在的时刻：夏令时切换时时钟跳过了它",
    ),
    "window_in_gap": (
        "no start in its windows exists in {zone}: the clocks jump over the start or the end "
        "of every one (daylight saving)",
        "时间窗内没有一个开始时刻在 {zone} 存在：夏令时切换时，时钟跳过了每个可能的开始或结束时刻",
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
        "{file}: {count:plural:problem:problems} found; nothing was solved",
        "{file}：发现 {count} 个问题，未进行求解",
    ),
}
