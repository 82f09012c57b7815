"""The HTTP service: a Litestar app over the use cases in `mutualaid.services`.

`api.app.create_app(settings)` is the one composition root; `mutualaid serve` runs it.
"""
