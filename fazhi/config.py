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


def _stored_secret(data_dir: Path) -> str:
    """Without SECRET_KEY in production, make a random key once and keep it (mode 600) in the data dir.

    Never the published development key: sessions could be forged with it. Several servers
    behind one load balancer must share SECRET_KEY through the environment instead.
    """
    import secrets

    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(key)
    return key


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
        debug = _bool("FAZHI_DEBUG", False)  # safe by default; make demo/test turn it on
        data_dir = Path(os.environ.get("FAZHI_DATA_DIR", BASE_DIR / "var"))
        secret = os.environ.get("SECRET_KEY") or (DEV_SECRET if debug else _stored_secret(data_dir))
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
