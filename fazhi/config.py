"""One typed settings object read from the environment.

Kept apart from Django's settings module so the CLI and the Django-free parts (dispatch,
report analysis) can read the same configuration without configuring Django.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET = "fazhi-development-only-secret-key-change-me-0000000000"


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    debug: bool
    secret_key: str
    database_url: str
    allowed_hosts: tuple[str, ...]
    data_dir: Path
    shared_dir: Path

    @classmethod
    def from_env(cls) -> Config:
        debug = _bool("FAZHI_DEBUG", True)
        data_dir = Path(os.environ.get("FAZHI_DATA_DIR", BASE_DIR / "var"))
        secret = os.environ.get("SECRET_KEY", DEV_SECRET)
        if not debug and secret == DEV_SECRET:
            # A production instance with the published development key could have its
            # sessions forged; refuse to start rather than run insecurely.
            raise RuntimeError("SECRET_KEY must be set when FAZHI_DEBUG is off")
        return cls(
            debug=debug,
            secret_key=secret,
            database_url=os.environ.get("DATABASE_URL", f"sqlite:///{data_dir / 'fazhi.sqlite3'}"),
            allowed_hosts=tuple(
                h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
            ),
            data_dir=data_dir,
            shared_dir=Path(os.environ.get("FAZHI_SHARED_DIR", BASE_DIR.parent / "shared")),
        )


config = Config.from_env()
