"""``khulasa serve``: the HTTP API and the web page (the ``[serve]`` extra: FastAPI and uvicorn).

``khulasa.serve.app.create_app(settings)`` builds the app; ``ServeSettings`` (importable without the
extra) holds the address and the limits.
"""

from khulasa.serve.settings import ServeSettings

__all__ = ["ServeSettings"]
