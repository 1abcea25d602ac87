"""fazhi — the law-based administration platform (法治政府建设平台)."""

__version__ = "0.1.0"
