"""The service's settings, as the API knows them: they live below both entry points, in
`mutualaid.config` (the CLI reads them too), and are re-exported here for the API's modules."""

from mutualaid.config import (
    RUNNERS,
    AuthSettings,
    DatabaseSettings,
    JobSettings,
    NoticeSettings,
    PageSettings,
    ServerSettings,
    Settings,
    SettingsError,
    SolverSettings,
)

__all__ = [
    "RUNNERS",
    "AuthSettings",
    "DatabaseSettings",
    "JobSettings",
    "NoticeSettings",
    "PageSettings",
    "ServerSettings",
    "Settings",
    "SettingsError",
    "SolverSettings",
]
