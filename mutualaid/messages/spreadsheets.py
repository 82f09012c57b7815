"""Sentences of contact details, spreadsheets in and out (import, preview, export) and the
calendar subscription link: (English, Chinese)."""

from __future__ import annotations

SPREADSHEETS: dict[str, tuple[str, str]] = {
    "page_contact": ("Address and phone", "地址和电话"),
    "cal_phone": ("Phone: {phone}", "电话：{phone}"),
}
