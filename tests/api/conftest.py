from tests.assets.conftest import make_asset, owner, systems, zones  # noqa: F401
