"""The notices' sentences (what a volunteer is told when their week changes, and the refusals
of notice settings) and the reports' words."""

from __future__ import annotations

NOTICES: dict[str, tuple[str, str]] = {
    # --- what a volunteer is told ------------------------------------------------------------
    "notice_subject_given": ("New visit: {title}", "新的服务安排：{title}"),
    "notice_subject_moved": ("Visit moved: {title}", "服务时间变更：{title}"),
    "notice_subject_withdrawn": ("Visit cancelled: {title}", "服务已取消：{title}"),
    "notice_given": (
        "You have a new visit: {title}, {after}. Please accept or decline it in the app.",
        "您有一项新的服务安排：{title}，{after}。请在应用中接受或婉拒。",
    ),
    "notice_subject_place": ("Visit at another place: {title}", "服务地点变更：{title}"),
    "notice_place": (
        "Your visit {title}, {after}, is now at another place: see your week for where.",
        "您的服务 {title}（{after}）地点已变更：请在本周安排中查看新地点。",
    ),
    "notice_moved": (
        "Your visit {title} moved from {before} to {after}.",
        "您的服务 {title} 时间由 {before} 改为 {after}。",
    ),
    "notice_withdrawn": (
        "Your visit {title} on {before} is cancelled: you need not go.",
        "您在 {before} 的服务 {title} 已取消，无需前往。",
    ),
    "cli_notices_sent": (
        "notices: {sent} sent, {retried} to try again, {failed} given up, {unrouted} with no "
        "webhook or email (read in the app)",
        "通知：已发送 {sent} 条，待重试 {retried} 条，放弃 {failed} 条，"
        "{unrouted} 条无回调地址或邮箱（仅在应用中查看）",
    ),
    # --- settings refused --------------------------------------------------------------------
    "notice_bad_state": (
        "a notice's state is one of {states}",
        "通知状态应为以下之一：{states}",
    ),
    "notice_bad_url": (
        "the webhook is an http:// or https:// address of at most {most} characters, or null",
        "回调地址应为 http:// 或 https:// 开头、不超过 {most} 个字符的网址，或为 null",
    ),
    "notice_inside_url": (
        "the webhook may not point at {host}: loopback, link-local (such as the cloud's metadata "
        "service), unspecified and multicast addresses are refused; a private LAN address "
        "(10.x, 172.16-31.x, 192.168.x) is allowed",
        "回调地址不能指向 {host}：回环、链路本地（如云服务器的元数据服务）、"
        "未指定和组播地址一律拒绝；"
        "局域网私有地址（10.x、172.16-31.x、192.168.x）可以使用",
    ),
    "notice_inside_host": (
        "{host} resolves to {address}, a loopback, link-local, unspecified or multicast "
        "address: not sent (a private LAN address is allowed)",
        "{host} 解析为 {address}，属于回环、链路本地、未指定或组播地址："
        "未发送（局域网私有地址可以使用）",
    ),
    "notice_unresolved_host": (
        "{host} could not be resolved: {error}",
        "无法解析 {host}：{error}",
    ),
    "notice_bad_secret": (
        "a webhook needs a secret of at least {least} characters to sign its notices",
        "回调地址需要至少 {least} 个字符的密钥，用于为通知签名",
    ),
    "notice_bad_email": (
        "an email address is name@host without spaces, at most 254 characters, or null",
        "电子邮箱应为不含空格的 name@host 形式，不超过 254 个字符，或为 null",
    ),
    "notice_bad_language": (
        "the language of notices is en or zh, or null (from the volunteer's languages)",
        "通知语言应为 en 或 zh，或为 null（按志愿者的语言）",
    ),
    # --- the pages ---------------------------------------------------------------------------
    "page_tab_notices": ("Notices", "通知"),
    "page_notices_intro": (
        "What volunteers were told when a plan was published or repaired, or a task withdrawn, "
        "and whether it reached them.",
        "发布或调整计划、撤销任务时告知志愿者的内容，以及是否送达。",
    ),
    "page_notices_counts": ("Notices by state", "按状态统计的通知"),
    "page_notices_show": ("Show", "显示"),
    "page_notices_all": ("all", "全部"),
    "page_notices_filter": ("Filter", "筛选"),
    "page_notices_empty": ("No notices yet.", "还没有通知。"),
    "page_notice_volunteer": ("Volunteer", "志愿者"),
    "page_notice_what": ("Notice", "通知内容"),
    "page_notice_state": ("Delivery", "送达情况"),
    "page_notice_attempts": ("Attempts", "尝试次数"),
    "page_notice_error": ("Last error", "最近错误"),
    "page_notice_next": ("next try {at}", "下次尝试 {at}"),
    "page_notice_state_pending": ("waiting", "待发送"),
    "page_notice_state_sending": ("sending", "发送中"),
    "page_notice_state_sent": ("delivered", "已送达"),
    "page_notice_state_failed": ("given up", "已放弃"),
    "page_notice_state_unrouted": ("in the app only", "仅在应用中"),
    "page_webhook": ("Webhook", "回调地址"),
    "page_webhook_url": ("Webhook address", "回调网址"),
    "page_webhook_url_hint": (
        "Notices are POSTed here as JSON, signed: X-MutualAid-Signature: sha256=HMAC of the "
        "body. Leave empty to stop.",
        "通知以 JSON 形式 POST 到此地址，并带签名：X-MutualAid-Signature: sha256=正文的 HMAC。"
        "留空则停止发送。",
    ),
    "page_webhook_secret": ("Signing secret", "签名密钥"),
    "page_webhook_secret_hint": (
        "At least 16 characters; asked again at each change, never shown.",
        "至少 16 个字符；每次修改都需重新填写，不会显示。",
    ),
    "page_webhook_saved": ("The webhook is saved.", "回调地址已保存。"),
    "page_webhook_removed": ("The webhook is removed.", "回调地址已移除。"),
    "page_my_notices": ("My notices", "我的通知"),
    "page_my_notices_empty": (
        "Nothing has changed in your visits yet.",
        "您的服务安排还没有变动。",
    ),
    "page_my_contact": ("How notices reach me", "通知方式"),
    "page_contact_email": ("Email (optional)", "电子邮箱（选填）"),
    "page_contact_email_hint": (
        "Notices are also sent here; leave empty for none.",
        "通知也会发送到此邮箱；留空则不发送。",
    ),
    "page_contact_language": ("Language of notices", "通知语言"),
    "page_contact_language_auto": ("as my languages say", "按我的语言"),
    "page_contact_saved": ("Saved.", "已保存。"),
    # --- reports ---------------------------------------------------------------------------
    "report_bad_month": (
        "a month is written YYYY-MM (2000-2100), got {got!r}",
        "月份应写作 YYYY-MM（2000 至 2100 年），实际为 {got!r}",
    ),
    "report_note": (
        "Hours assigned are those the published plans give (visits not declined or "
        "withdrawn); hours done are what the hours ledger credits for those visits once "
        "marked done (their actual minutes where given). A month counts the weeks whose "
        "Monday is in it.",
        "安排工时为已发布计划所安排的服务时长（不含婉拒或撤销的服务）；完成工时为这些服务标记为"
        "已完成后工时账本记入的时长（有实际时间时按实际时间）。按月统计时，计入周一在该月的各周。",
    ),
    "reason_not_planned": ("in no published plan yet", "尚未列入已发布的计划"),
    "reason_missed": (
        "given, but every visit was marked missed",
        "已安排，但每次服务都标记为未进行",
    ),
    "waited_bad_least": (
        "least is a number of weeks of at least 1, got {got!r}",
        "least 应为至少 1 的周数，实际为 {got!r}",
    ),
    "cli_waited_run": (
        "{resident} {name}: {weeks} weeks running {still}",
        "{resident} {name}：连续 {weeks} 周 {still}",
    ),
    "page_fairness": ("Fairness across weeks", "跨周公平"),
    "page_fairness_across_weeks": (
        "Count each volunteer's load of the last four weeks in fairness",
        "按每位志愿者最近四周的工作量安排公平",
    ),
    "page_fairness_hint": (
        "When ticked, the next plans spread visits so that no one is always the busiest; "
        "coverage comes first as always.",
        "勾选后，之后的计划会分散安排，避免总是同一人最忙；覆盖率仍然优先。",
    ),
    "page_fairness_saved": ("Saved.", "已保存。"),
    "page_tab_waited": ("Who waited", "久候居民"),
    "page_waited_title": (
        "Residents left unserved two weeks or more running",
        "连续两周或以上未获服务的居民",
    ),
    "page_waited_until": ("Up to the week of", "截至（周一日期）"),
    "page_waited_resident": ("Resident", "居民"),
    "page_waited_weeks": ("Weeks running", "连续周数"),
    "page_waited_still": ("still waiting", "仍在等待"),
    "page_waited_why": ("Each week: what was left and why", "每周：未获服务的事项及原因"),
    "page_waited_none": (
        "No resident was left unserved two weeks running.",
        "没有居民连续两周未获服务。",
    ),
    "page_tab_reports": ("Reports", "统计报表"),
    "page_report_week": ("Week of", "周（周一日期）"),
    "page_report_month": ("Month", "月份"),
    "page_report_month_hint": (
        "A month counts the weeks whose Monday is in it.",
        "按月统计时，计入周一在该月的各周。",
    ),
    "page_report_of": ("{first} to {last}", "{first} 至 {last}"),
    "page_report_csv": ("Download as CSV", "下载 CSV"),
    "page_report_unplanned": (
        "No published plan for the week of {weeks}: its tasks count as not planned.",
        "{weeks} 这一周还没有已发布的计划：其任务计为尚未安排。",
    ),
    "page_report_requests": ("Requests", "服务需求"),
    "page_report_received": ("received", "收到"),
    "page_report_served": ("served", "已安排"),
    "page_report_all": ("all", "全部"),
    "page_report_waited": ("had waited a week or more", "已等待一周以上"),
    "page_report_unserved": ("Not served, by reason", "未安排的原因"),
    "page_report_none": ("none", "无"),
    "page_report_volunteers": ("Hours by volunteer", "志愿者工时"),
    "page_report_teams": ("Hours by team", "队伍工时"),
    "page_report_name": ("Name", "名称"),
    "page_report_visits": ("Visits", "服务次数"),
    "page_report_hours_assigned": ("Hours assigned", "安排工时"),
    "page_report_hours_done": ("Hours done", "完成工时"),
    "page_report_residents": ("Residents reached: {count}", "服务到的居民：{count} 人"),
    "page_category_over_70": ("over 70", "高龄（70 岁以上）"),
    "page_category_living_alone": ("living alone", "独居"),
    "page_category_empty_nest": ("empty nest", "空巢"),
    "page_category_bereaved_parent": ("bereaved parent", "失独"),
    "page_category_disabled": ("disabled", "残疾"),
    "page_category_low_income": ("low income", "困难"),
}
