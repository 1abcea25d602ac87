"""Training the dispatch model for this installation (demo and `fazhi dispatch retrain`)."""

from __future__ import annotations


def train_demo_model(*, stdout=None) -> str:
    """Placeholder until the dispatch package lands: report that no model was trained."""
    return "智能分拨模型：尚未训练（dispatch 组件未就绪）"
