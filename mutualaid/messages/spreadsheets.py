"""Sentences of contact details, spreadsheets in and out (import, preview, export) and the
calendar subscription link: (English, Chinese)."""

from __future__ import annotations

SPREADSHEETS: dict[str, tuple[str, str]] = {
    "page_contact": ("Address and phone", "地址和电话"),
    "cal_phone": ("Phone: {phone}", "电话：{phone}"),
    "cal_feed_name": ("mutualaid: {name}", "互助：{name}"),
    # --- the calendar subscription link -----------------------------------------------------
    "page_feed_title": ("Your calendar on your phone", "在手机日历中查看"),
    "page_feed_none": (
        "Make a link your phone's calendar subscribes to: new visits appear by themselves.",
        "生成一个链接，让手机日历订阅：新的服务安排会自动出现。",
    ),
    "page_feed_made": (
        "You made your calendar link on {date}. Lost it, or someone else has it? Make a new "
        "one: the old link stops working.",
        "您已于 {date} 生成日历链接。链接丢失或被他人得到？请生成新链接，旧链接将失效。",
    ),
    "page_feed_make": ("Make my calendar link", "生成我的日历链接"),
    "page_feed_renew": ("Make a new link", "生成新链接"),
    "page_feed_link": ("Your calendar link", "您的日历链接"),
    "page_feed_once": (
        "Copy it now or press Subscribe: it is shown only this once. Keep it to yourself; "
        "anyone with it sees your visits.",
        "请立即复制或点击“订阅”：此链接只显示这一次。请勿转给他人，得到链接的人能看到您的服务安排。",
    ),
    "page_feed_subscribe": ("Subscribe in my calendar", "在日历中订阅"),
    "page_feed_copy": ("Copy the link", "复制链接"),
    "page_feed_copied": ("Copied", "已复制"),
    "page_feed_for": ("Calendar link for {name}", "{name} 的日历链接"),
    "page_feed_coordinator": (
        "Give this link to {name} (it is shown only this once); their old link no longer works.",
        "请把此链接交给 {name}（只显示这一次）；其旧链接已失效。",
    ),
    "page_feed_coordinator_hint": (
        "A new link for this volunteer's phone calendar; their old link stops working.",
        "为该志愿者的手机日历生成新链接；其旧链接将失效。",
    ),
    "page_feed_back": ("Back to my week", "返回我的一周"),
    # --- import and export -------------------------------------------------------------------
    "page_tab_import": ("Excel in and out", "Excel 导入导出"),
    "import_from_excel": ("Import or export (Excel)", "Excel 导入导出"),
    "import_title": ("Import and export spreadsheets", "导入和导出表格"),
    "import_how": (
        "Choose a list and a CSV or Excel (.xlsx) file whose first row names the columns, in "
        "English or Chinese (download a template below). Nothing is stored until you have seen "
        "the check and confirmed it; then every row is stored, or none.",
        "选择名单和 CSV 或 Excel（.xlsx）文件，第一行为列名，中英文均可（可在下方下载模板）。"
        "检查结果确认之前不会保存任何内容；确认后要么全部保存，要么一行也不保存。",
    ),
    "import_list": ("List", "名单"),
    "import_list_volunteers": ("Volunteers", "志愿者"),
    "import_list_residents": ("Residents", "居民"),
    "import_list_tasks": ("Tasks of a week", "一周的任务"),
    "import_list_plan": ("The published plan (one row per visit)", "已发布的计划（每次服务一行）"),
    "import_week": ("Week (for tasks)", "周（导入任务时）"),
    "import_week_hint": ("The Monday it starts, as 2026-11-30.", "该周的星期一，例如 2026-11-30。"),
    "import_file": ("File", "文件"),
    "import_file_hint": (
        "CSV (UTF-8 or GBK) or Excel .xlsx, at most 5 MB; the first sheet is read.",
        "CSV（UTF-8 或 GBK 编码）或 Excel .xlsx，最大 5 MB；只读取第一个工作表。",
    ),
    "import_check": ("Check the file", "检查文件"),
    "import_downloads": ("Download", "下载"),
    "import_download": ("Download the list", "下载名单"),
    "import_template": ("Empty template", "空白模板"),
    "import_preview_title": ("Check of {name}", "{name} 的检查结果"),
    "import_preview_count": (
        "{count:plural:row:rows} of {list} read.",
        "共读取 {count} 行{list}。",
    ),
    "import_problems": (
        "{count:plural:problem:problems} to fix in the file",
        "文件中有 {count} 处需要修改",
    ),
    "import_nothing_stored": (
        "Nothing has been stored. Fix these rows in your spreadsheet and choose the file again.",
        "尚未保存任何内容。请在表格中改正这些行，然后重新选择文件。",
    ),
    "import_row": ("Row", "行"),
    "import_column": ("Column", "列"),
    "import_reason": ("What is wrong", "问题"),
    "import_all_good": (
        "Every row is correct. Rows whose id is already known update it; the others are added.",
        "所有行都正确。编号已存在的行将更新原有记录，其余的将新增。",
    ),
    "import_confirm": ("Store all {count} rows", "保存全部 {count} 行"),
    "import_again": ("Choose the corrected file", "选择改正后的文件"),
    "import_rows_shown": ("Rows {shown} of {count}", "显示 {shown} 行，共 {count} 行"),
    "import_done": ("{count:plural:row:rows} of {name} stored.", "已保存 {name} 中的 {count} 行。"),
    "import_repaired": (
        "Visits of {tasks} in the published plan no longer held with these rows: they were "
        "planned again and the plan published; told: {people}.",
        "按这些行修改后，已发布计划中 {tasks} 的上门安排不再成立：已重新安排并发布计划；"
        "已通知：{people}。",
    ),
    "import_repaired_unserved": (
        "No one can take {tasks} as now written: the published plan no longer gives them and "
        "lists them unserved.",
        "按现在的写法，没有人能接下 {tasks}：已发布的计划不再安排它们，并将其列为未安排。",
    ),
    "import_refused": (
        "Nothing of {name} was stored: {why}",
        "{name} 的内容均未保存：{why}",
    ),
    "import_expired": (
        "That check has expired (or was confirmed already): choose the file again.",
        "该检查结果已过期（或已确认过）：请重新选择文件。",
    ),
    "import_empty_file": ("the file is empty", "文件是空的"),
    "import_not_table": (
        "this is not a CSV or Excel (.xlsx) file",
        "这不是 CSV 或 Excel（.xlsx）文件",
    ),
    "import_not_gbk": (
        "{name}, row {row}: read as GBK (as Chinese Excel saves it) the text looks garbled "
        '("{sample}"), so it is likely in another encoding (Shift-JIS, Big5, ...); nothing was '
        'read: save the file again as "CSV UTF-8" (or .xlsx)',
        "{name} 第 {row} 行：按 GBK（中文 Excel 的保存方式）读取后文字像是乱码（“{sample}”），"
        "文件很可能是其他编码（Shift-JIS、Big5 等）；未读取任何内容："
        "请另存为“CSV UTF-8”（或 .xlsx）",
    ),
    "import_not_text": (
        "row {row}: the text is neither UTF-8 nor GBK (as Excel saves it); save the file "
        'again as "CSV UTF-8" (or .xlsx)',
        "第 {row} 行：文字既不是 UTF-8 也不是 GBK 编码；请另存为“CSV UTF-8”（或 .xlsx）",
    ),
    "import_formula_unsaved": (
        "the cells {cells} hold a formula whose result was never saved (a program wrote the "
        "file, not Excel or WPS): open the file in Excel or WPS and save it, or type the values",
        "单元格 {cells} 中的公式没有保存计算结果（文件由程序生成，而非 Excel 或 WPS 保存）："
        "请用 Excel 或 WPS 打开并保存，或直接填写数值",
    ),
    "import_too_big": ("the file is larger than {most}", "文件超过 {most}"),
    "import_unknown_column": (
        "unknown column '{column}'; the columns are: {choices}",
        "未知的列“{column}”；可用的列为：{choices}",
    ),
    "import_column_twice": ("the column '{column}' is given twice", "列“{column}”出现了两次"),
    "import_missing_column": ("the column '{column}' is missing", "缺少列“{column}”"),
    "import_repeated_id": (
        "the id '{id}' is already on row {row}",
        "编号“{id}”已在第 {row} 行出现",
    ),
    "import_cell_too_long": (
        "row {row}: a cell longer than {most} characters (or a quote left open before it); "
        "no column takes that much",
        "第 {row} 行：有单元格超过 {most} 个字符（或此前有未闭合的引号）；没有哪一栏需要这么长",
    ),
    "import_too_many_rows": (
        "more than {most} rows; at most {most} in one file",
        "超过 {most} 行；每个文件最多 {most} 行",
    ),
    "import_too_many_columns": (
        "a cell past column {most}; a list has at most {most} columns",
        "第 {most} 列之后还有内容；名单最多 {most} 列",
    ),
    "import_unpacks_too_big": (
        "the workbook unpacks to more than {most}",
        "工作簿解压后超过 {most}",
    ),
    "import_too_many": (
        "{count} rows; at most {most} in one file",
        "共 {count} 行；每个文件最多 {most} 行",
    ),
    "page_day": ("Day", "星期"),
    "page_date": ("Date", "日期"),
    "page_from": ("From", "开始"),
    "page_to": ("To", "结束"),
    "page_volunteers": ("Volunteers", "志愿者"),
    "page_task": ("Task", "任务"),
    "page_priority": ("Priority", "优先级"),
    "page_reason": ("Why not served", "未能安排的原因"),
    "page_detail": ("Detail", "详情"),
    "page_suggestions_column": ("What would serve it", "可以这样解决"),
    "export_unserved_sheet": ("Not served", "未能安排"),
    "export_marked_sheet": ("Needs changed", "需求有变"),
}
