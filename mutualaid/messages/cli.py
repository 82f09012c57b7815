"""The command line's sentences: its options, its tables and what it prints."""

from __future__ import annotations

CLI: dict[str, tuple[str, str]] = {
    # --- the command line's options -------------------------------------------------------
    "cli_out_unwritable": (
        "cannot write the plan to {path}: {problem}; nothing was solved",
        "无法将计划写入 {path}：{problem}；未进行求解",
    ),
    "cli_world_unwritable": (
        "cannot write the generated week to {path}: {problem}",
        "无法将生成的一周写入 {path}：{problem}",
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
    # --- serving and loading ------------------------------------------------------------------
    "cli_port_taken": (
        "{address} is in use (another mutualaid, or another program, serves there): nothing "
        "was started; stop that one, or choose another port, e.g. MUTUALAID_PORT={port} make "
        "demo (or serve --port {port})",
        "{address} 已被占用（另一个 mutualaid 或其他程序正在使用）：未启动任何服务；请先停止它，"
        "或换一个端口，例如 MUTUALAID_PORT={port} make demo（或 serve --port {port}）",
    ),
    "cli_address_refused": (
        "cannot serve at {address}: {why}; nothing was started (MUTUALAID_HOST and "
        "MUTUALAID_PORT choose the address)",
        "无法在 {address} 提供服务：{why}；未启动任何服务（地址由 MUTUALAID_HOST 和 "
        "MUTUALAID_PORT 设定）",
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
    "cli_gap": (
        "at most {gap:.2%} from the best coverage (weights 100/30/8/1 for urgent/high/normal/low)",
        "距最优覆盖至多 {gap:.2%}（紧急/高/普通/低 权重 100/30/8/1）",
    ),
    "cli_unserved": ("Unserved tasks by reason", "未安排任务（按原因）"),
    "cli_reason": ("reason", "原因"),
    # the reason column: English keeps the code (the plan JSON's and `expect:`'s word)
    "cli_reason_no_skill": ("no_skill", "无人有此技能"),
    "cli_reason_out_of_range": ("out_of_range", "有此技能的人住得太远"),
    "cli_reason_excluded": ("excluded", "剩下的人不符合要求"),
    "cli_reason_no_time": ("no_time", "合适的人都没空"),
    "cli_reason_capacity": ("capacity", "人手已给了其他任务"),
    # the coverage table's priorities and the status: English keeps the code (the plan JSON's)
    "cli_priority_urgent": ("urgent", "紧急"),
    "cli_priority_high": ("high", "高"),
    "cli_priority_normal": ("normal", "普通"),
    "cli_priority_low": ("low", "低"),
    "cli_status_optimal": ("optimal", "最优"),
    "cli_status_feasible": ("feasible", "可行"),
    "cli_status_error": ("error", "出错"),
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
    "cli_bad_suggest_within": (
        "--suggest-within must be a number of seconds >= 0 (inf: wait for every check), got {got}",
        "--suggest-within 应为不小于 0 的秒数（inf：等待全部核验），实际为 {got}",
    ),
    "cli_wrote": ("plan written to {path}", "计划已写入 {path}"),
    "cli_suggest_checking": (
        "{count:plural:task:tasks}: suggestions still being checked; each is printed once checked, "
        "and the plan written again at the end",
        "{count} 项任务的建议仍在核验中：每条核验后即列出，全部核验完后重新写入计划",
    ),
    "cli_suggest_none": ("{task}: no suggestion kept its promise", "{task}：没有建议通过核验"),
    "cli_suggest_written": (
        "every suggestion checked; plan written again to {path}",
        "建议已全部核验；计划已重新写入 {path}",
    ),
    "cli_suggest_resume": (
        "stopped; to check the rest: mutualaid suggest {scenario} {plan}",
        "已中止；继续核验其余建议：mutualaid suggest {scenario} {plan}",
    ),
    "cli_suggest_nothing": (
        "{path}: no suggestion is waiting to be checked",
        "{path}：没有待核验的建议",
    ),
    "cli_suggest_bad_plan": (
        "cannot read the plan {path}: {problem}",
        "无法读取计划 {path}：{problem}",
    ),
    "cli_suggest_foreign_plan": (
        "{path} is not a plan of {week}: it marks tasks the week does not have: {tasks}",
        "{path} 不是 {week} 的计划：其中待核验的任务在该周不存在：{tasks}",
    ),
    "cli_suggest_took": ("checked in {seconds} s", "核验用时 {seconds} 秒"),
    "cli_plan_error": ("no plan: {error}", "无法生成计划：{error}"),
    "cli_check_ok": (
        "{file}: ok — {volunteers} volunteers, {teams} teams, {residents} residents, "
        "{tasks} tasks ({infeasible} impossible on their own)",
        "{file}：通过——志愿者 {volunteers} 名、队伍 {teams} 支、居民 {residents} 名、"
        "任务 {tasks} 项（其中 {infeasible} 项本身无法完成）",
    ),
    "cli_plan_ok": ("{file}: the plan keeps every rule", "{file}：计划符合全部规则"),
    "cli_plan_bad": (
        "{file}: the plan breaks {count:plural:rule:rules}:",
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
    "cli_season_unwritable": (
        "cannot write the generated season to {path}: {problem}",
        "无法将生成的多周数据写入 {path}：{problem}",
    ),
    "cli_generated_season": (
        "wrote {path}: weeks {weeks}, requests {requests}, volunteers {volunteers}",
        "已写入 {path}：{weeks} 周、需求 {requests} 项、志愿者 {volunteers} 名",
    ),
    "cli_generated": (
        "wrote {path}: tasks {tasks}, volunteers {volunteers}, subdistricts {subdistricts}",
        "已写入 {path}：任务 {tasks} 项、志愿者 {volunteers} 名、街道 {subdistricts} 个",
    ),
    "cli_db_unreachable": (
        "cannot open the database {url}: {problem}",
        "无法打开数据库 {url}：{problem}",
    ),
    "cli_db_upgraded": ("database at revision {revision}", "数据库已升级到版本 {revision}"),
    # --- a command line Typer (Click) refuses before any command runs (mutualaid.cli.usage) --
    "cli_usage": ("Usage: {usage}", "用法：{usage}"),
    # --help's own words (mutualaid.cli.helptext)
    "cli_help_usage": ("Usage: ", "用法："),
    "cli_help_arguments": ("Arguments", "参数"),
    "cli_help_options": ("Options", "选项"),
    "cli_help_commands": ("Commands", "命令"),
    "cli_help_option": ("Show this message and exit.", "显示此帮助并退出。"),
    "cli_help_default": ("default: {value}", "默认：{value}"),
    "cli_help_env": ("env var: {value}", "环境变量：{value}"),
    "cli_help_required": ("required", "必填"),
    "cli_try_help": ("Try '{command} --help' for help.", "运行 '{command} --help' 查看帮助。"),
    "cli_error": ("Error: {message}", "错误：{message}"),
    "cli_bad_value": ("Invalid value for {name}: {problem}", "{name} 的值无效：{problem}"),
    "cli_not_number": ("{value} is not a valid number", "{value} 不是有效的数"),
    "cli_not_whole_number": ("{value} is not a valid integer", "{value} 不是有效的整数"),
    "cli_not_true_false": ("{value} is not true or false", "{value} 不是 true 或 false"),
    "cli_at_most": ("{value} is not in the range (at most {bound})",
                    "{value} 不在范围内（最多 {bound}）"),
    "cli_below": ("{value} is not in the range (below {bound})",
                  "{value} 不在范围内（应小于 {bound}）"),
    "cli_at_least": ("{value} is not in the range (at least {bound})",
                     "{value} 不在范围内（至少 {bound}）"),
    "cli_above": ("{value} is not in the range (above {bound})",
                  "{value} 不在范围内（应大于 {bound}）"),
    "cli_not_one_of": ("{value} is not one of {expected}", "{value} 不是 {expected} 之一"),
    "cli_missing_option": ("Missing option {name}.", "缺少选项 {name}。"),
    "cli_missing_argument": ("Missing argument {name}.", "缺少参数 {name}。"),
    "cli_no_such_option": ("No such option: {name}", "没有选项 {name}"),
    "cli_possible_options": ("{said} (Possible options: {names})", "{said}（可用的选项：{names}）"),
    "cli_no_such_command": ("No such command '{name}'.", "没有命令 '{name}'。"),
    "cli_did_you_mean": ("{said} Did you mean {names}?", "{said}是否想写 {names}？"),
    "cli_needs_value": ("Option '{name}' requires an argument.", "选项 '{name}' 需要一个值。"),
    "cli_extra_arguments": ("Got arguments it does not take: {args}", "多余的参数：{args}"),
}  # fmt: skip
