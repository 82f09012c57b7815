"""The service's sentences: tokens and access, the store's refusals, plans and declines,
settings, and the calendar export."""

from __future__ import annotations

SERVICE: dict[str, tuple[str, str]] = {
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
    "solver_unreachable": (
        "plans cannot be solved now: the solver's Dask scheduler at {address} does not answer "
        "({error}); queued plans wait and are solved once it answers again",
        "目前无法求解计划：求解器的 Dask 调度器（{address}）没有响应（{error}）；"
        "排队的计划会等待，调度器恢复响应后即开始求解",
    ),
    "solver_failing": (
        "plans cannot be solved now: the job runner fails at each try ({error}); queued plans "
        "wait and are solved once it works again (it tries every {seconds} s; the server's log "
        "says more)",
        "目前无法求解计划：作业调度每次尝试都失败（{error}）；排队的计划会等待，恢复正常后即开始求解"
        "（每 {seconds} 秒重试一次；详情见服务器日志）",
    ),
    "json_syntax": ("not valid JSON: {problem}", "不是有效的 JSON：{problem}"),
    "bad_body": ("the request body is not valid: {problem}", "请求内容无效：{problem}"),
    # what Litestar's decoder (msgspec) refuses before any handler, in our words (api.decoding)
    "bad_parameter": ("this parameter is not valid: {problem}", "此参数无效：{problem}"),
    "decode_expected": ("expected {want}, got {got}", "应为{want}，实际为{got}"),
    "decode_bound": ("expected {want} {op} {bound}", "应为 {op} {bound} 的{want}"),
    "decode_length": ("expected {want} of length {op} {bound}", "应为长度 {op} {bound} 的{want}"),
    "decode_missing_field": ("required field '{field}' is missing", "缺少必填字段 '{field}'"),
    "decode_unknown_field": ("unknown field '{field}'", "未知字段 '{field}'"),
    # a parameter held to a choice by a regex (`^(json|csv)$`) names the choices, not the regex
    "decode_choice": ("expected {choices}", "应为 {choices}"),
    "decode_pattern": ("text of the form {pattern} expected", "应为形如 {pattern} 的字符串"),
    "decode_number_range": (
        "the number is too large to read",
        "数字过大，无法读取",
    ),
    "decode_rfc3339": (
        "expected {want} such as 2026-03-02 or 2026-03-02T09:00:00+08:00",
        "应为形如 2026-03-02 或 2026-03-02T09:00:00+08:00 的{want}",
    ),
    "decode_needs_zone": ("{want} needs its UTC offset (+08:00)", "{want}需带时区偏移（+08:00）"),
    "decode_no_zone": ("{want} takes no UTC offset", "{want}不应带时区偏移"),
    "decode_uuid": (
        "expected an id of the form 8-4-4-4-12 hex digits",
        "应为 8-4-4-4-12 位十六进制的 id",
    ),
    "decode_enum": ("not one of the allowed values: {value}", "不是允许的取值之一：{value}"),
    "decode_missing_parameter": (
        "the {kind} parameter '{name}' is required",
        "缺少{kind}参数 '{name}'",
    ),
    "decode_or": (" or ", "或"),
    "param_query": ("query", "查询"),
    "param_path": ("path", "路径"),
    "param_header": ("header", "请求头"),
    "param_cookie": ("cookie", "Cookie 中的"),
    "type_int": ("a whole number", "整数"),
    "type_float": ("a number", "数字"),
    "type_str": ("text", "字符串"),
    "type_bool": ("true or false", "布尔值（true 或 false）"),
    "type_array": ("a list", "列表"),
    "type_object": ("a mapping of fields", "字段映射"),
    "type_null": ("null", "空值 null"),
    "type_date": ("a date", "日期"),
    "type_datetime": ("a date and time", "日期时间"),
    "type_time": ("a time of day", "时刻"),
    "json_at_byte": ("{problem} (byte {byte})", "{problem}（第 {byte} 字节）"),
    "json_at_column": ("{problem} (column {column})", "{problem}（第 {column} 列）"),
    "json_invalid_character": ("invalid character", "无效字符"),
    "json_trailing": ("trailing characters after the value", "值后面还有多余的字符"),
    "json_keys": ("object keys must be strings", "对象的键必须是字符串"),
    "json_expected": ("expected {what}", "此处应为 {what}"),
    "json_truncated": ("the body ends too early", "内容提前结束"),
    "body_not_utf8": ("it is not UTF-8 text", "不是 UTF-8 文本"),
    "body_empty": ("the body is empty", "内容为空"),
    "json_a_value": ("a value", "一个值"),
    "json_key_quoted": (
        "a field name in double quotes was expected",
        "此处应为带双引号的字段名",
    ),
    "json_unterminated": ("a quoted text is not closed", "引号内的文本没有结束"),
    "json_bad_escape": ("an unknown escape in a quoted text", "引号内有无效的转义"),
    "json_control_char": (
        "a control character (a tab, a line break) inside a quoted text",
        "引号内有控制字符（制表符或换行）",
    ),
    "json_unreadable": ("it cannot be read here", "此处无法读取"),
    "empty_header": (
        "the {header} header is empty; send a non-empty value or leave the header out",
        "{header} 请求头为空；请填写非空值，或不发送该请求头",
    ),
    "week_mismatch": (
        "the scenario is for the week of {got}, but the request names the week of {want}",
        "场景属于 {got} 这一周，但请求指定的是 {want} 这一周",
    ),
    "id_slash": (
        "an id may not contain '/': the request could not be reached by its address",
        "编号中不能含有“/”，否则无法按地址找到这条需求",
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
    "body_too_large": (
        "the request body is larger than the {most} bytes allowed; nothing was stored",
        "请求内容超过允许的 {most} 字节，未保存任何内容",
    ),
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
    "kind_page": ("page", "页面"),
    "role_admin": ("admin", "管理员"),
    "role_coordinator": ("coordinator", "协调员"),
    "role_volunteer": ("volunteer", "志愿者"),
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
        "revoked {count:plural:earlier token:earlier tokens} named '{name}'",
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
        "{count:plural:problem:problems} in the request; nothing was stored",
        "请求中有 {count} 个问题，未保存任何内容",
    ),
    "invalid_read": (
        "{count:plural:problem:problems} in the request",
        "请求中有 {count} 个问题",
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
    "store_full": (
        "the database's disk is full; nothing of this request was stored (reading still "
        "works): tell whoever runs this server to free some space",
        "数据库所在的磁盘已满；此请求的内容均未保存（仍可查看）：请告知服务器管理员清理空间",
    ),
    "store_lost": (
        "the connection to the database was lost; nothing of this request was stored: "
        "send it again in {seconds} s",
        "与数据库的连接中断；此请求的内容均未保存，请 {seconds} 秒后重新提交",
    ),
    "store_lost_at_commit": (
        "the connection to the database was lost while this request was being stored: it "
        "may have been stored in full or not at all; look before sending it again "
        "(in {seconds} s)",
        "保存此请求时与数据库的连接中断：可能已全部保存，也可能完全没有保存；"
        "请先查看再决定是否重新提交（{seconds} 秒后）",
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
    "plan_gave_up": ("gave up after {runs} runs", "运行 {runs} 次后放弃"),
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
    "would_withdraw": (
        "this would withdraw {count:plural:assignment:assignments} of the published plan, "
        "of {tasks:plural:task:tasks} "
        "no longer in the week: {ids}; send it again with ?replace=true to replace them",
        "此操作将撤回已发布计划中的 {count} 项安排，涉及本周不再包含的 {tasks} 个任务：{ids}；"
        "确需替换请加上 ?replace=true 重新提交",
    ),
    "assignment_withdrawn": (
        "task '{task}' was withdrawn after the plan was published; there is nothing to answer",
        "任务“{task}”在计划发布后已被撤回，无需答复",
    ),
    # --- the calendar export ------------------------------------------------------------------
    "place_home": ("{name}'s home", "{name}家"),
    "cal_helps": ("Helping: {who}", "服务对象：{who}"),
    "cal_role": ("Role: {role}", "角色：{role}"),
    "cal_with": ("With: {who}", "同行：{who}"),
    "cal_alone": ("With: nobody else", "同行：无"),
    "cal_name": ("mutualaid: {name}, week of {week}", "互助：{name}，{week} 这一周"),
}
