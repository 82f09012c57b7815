"""Alembic's environment for mutualaid's schema; run it with `mutualaid.adapters.migrate`."""
