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
}
