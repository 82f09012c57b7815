"""The HTTP service: a Litestar app over the use cases in `mutualaid.services`.

`api.app.create_app(settings)` is the one composition root; `mutualaid serve` has uvicorn
import it by name (the CLI imports no `api`).
"""
