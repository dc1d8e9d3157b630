"""The core of Essaim: read, check and index a territory's records. No Pelican, no HTML."""

from .model import Actor, Directory, Event, Initiative, Record
from .problems import InvalidContent, Problem
from .read import read_directory
from .territory import Territory, load_territory, read_territory

__all__ = [
    "Actor",
    "Directory",
    "Event",
    "Initiative",
    "InvalidContent",
    "Problem",
    "Record",
    "Territory",
    "load_territory",
    "read_directory",
    "read_territory",
]
