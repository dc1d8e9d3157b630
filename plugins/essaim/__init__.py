"""Essaim: a federated directory of the social and solidarity economy, as Pelican plugins.

`register()` is Pelican's entry point (PLUGINS = ["essaim"]); importing this package costs
nothing else, so the `essaim` command starts fast.
"""


def register() -> None:
    """Connect every part of Essaim to Pelican's signals (each part can be switched off)."""
    from .pelican_plugin import register as register_parts

    register_parts()
