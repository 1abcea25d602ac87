"""Intelligent dispatch (智能分拨): predict the category of a citizen appeal.

Pure Python on NumPy/SciPy/scikit-learn/jieba/zhconv; importing this package never imports
Django, so the CLI, benchmarks and the web app share one implementation.

    from fazhi.dispatch import train, load
    model = train(rows, label_field="一级标签", text_fields=("留言主题", "留言详情"))
    model.predict("小区门口垃圾堆积无人清理", k=3)   # [("城乡建设", 0.91), ...]
    model.explain("小区门口垃圾堆积无人清理")         # [("垃圾", 0.8), ...]
    model.threshold_for(precision=0.97)              # auto-dispatch threshold
    model.save("var/models/dispatch.model"); load("var/models/dispatch.model")
"""

from __future__ import annotations

from fazhi.dispatch.evaluate import Evaluation, evaluate
from fazhi.dispatch.io import FORMAT_VERSION, LIBRARY_VERSION, ModelFormatError, load
from fazhi.dispatch.model import DispatchModel
from fazhi.dispatch.normalize import normalize
from fazhi.dispatch.training import TrainParams, train, train_texts

version = LIBRARY_VERSION

__all__ = [
    "FORMAT_VERSION",
    "DispatchModel",
    "Evaluation",
    "ModelFormatError",
    "TrainParams",
    "evaluate",
    "load",
    "normalize",
    "train",
    "train_texts",
    "version",
]
