"""Model files: arrays in a NumPy ``.npz`` container plus a readable JSON sidecar.

No pickle: the file holds only numeric and string arrays (read with ``allow_pickle=False``),
so loading a model file cannot execute code, and it does not depend on scikit-learn's private
object layout. The format is versioned; a file of another format version is refused with
``ModelFormatError`` rather than silently mis-read.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from fazhi.dispatch.model import DispatchModel

LIBRARY = "fazhi.dispatch"
LIBRARY_VERSION = "1.0.0"
# Bump when the arrays, the analyzers or the normalisation change meaning: an old file would
# load but score texts differently from how it was trained.
FORMAT_VERSION = 1
CURVE_KEYS = ("threshold", "coverage", "accuracy", "count")


class ModelFormatError(Exception):
    """A model file that this version of fazhi.dispatch cannot use (bilingual message)."""


def sidecar_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".json")


def save(model: DispatchModel, path: str | Path) -> Path:
    """Write ``path`` (npz) and ``path.json`` (metadata, for people and audits) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = {
        "library": LIBRARY,
        "library_version": LIBRARY_VERSION,
        "format_version": FORMAT_VERSION,
        "model_version": model.version,
        "max_chars": model.max_chars,
        "blocks": [b.name for b in model.blocks],
        "metadata": model.metadata,
    }
    arrays: dict[str, np.ndarray] = {
        "header": np.array(json.dumps(header, ensure_ascii=False)),
        "labels": np.array(model.labels, dtype=str),
        "bias": model.bias.astype(np.float64),
        "prior": model.prior.astype(np.float64),
    }
    for block, weight in zip(model.blocks, model.weights, strict=True):
        arrays[f"keys_{block.name}"] = block.keys.astype(np.uint64)
        arrays[f"idf_{block.name}"] = block.idf.astype(np.float32)
        arrays[f"weights_{block.name}"] = weight.astype(np.float32)
    for key in CURVE_KEYS:
        arrays[f"curve_{key}"] = np.asarray(model.curve[key], dtype=np.float64)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    sidecar_path(path).write_text(json.dumps(header, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _read_header(data: Any, path: Path) -> dict:
    if "header" not in data.files:
        raise ModelFormatError(f"不是分拨模型文件：{path} / not a dispatch model file: {path}")
    try:
        header = json.loads(str(data["header"]))
    except ValueError as exc:
        raise ModelFormatError(f"模型文件头已损坏：{path} / damaged model header: {path}") from exc
    library, found = header.get("library"), header.get("format_version")
    if library != LIBRARY or found != FORMAT_VERSION:
        raise ModelFormatError(
            f"模型文件格式不兼容：{path} 由 {library} {header.get('library_version')}（格式版本 {found}）写入，"
            f"当前程序 {LIBRARY} {LIBRARY_VERSION} 只支持格式版本 {FORMAT_VERSION}，请用当前版本重新训练模型。"
            f" / Incompatible model file: {path} was written by {library} {header.get('library_version')} "
            f"(format version {found}); this {LIBRARY} {LIBRARY_VERSION} reads format version {FORMAT_VERSION} "
            "only. Retrain the model with this version."
        )
    return header


def load(path: str | Path) -> DispatchModel:
    """Load a model written by ``save``; raise ``ModelFormatError`` for anything else."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"模型文件不存在 / model file not found: {path}")
    try:
        data = np.load(path, allow_pickle=False)
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ModelFormatError(
            f"不是分拨模型文件：{path} / not a dispatch model file: {path} ({exc})"
        ) from exc
    with data:
        header = _read_header(data, path)
        try:
            return _model_from(data, header)
        except (KeyError, ValueError) as exc:
            raise ModelFormatError(
                f"模型文件不完整或已损坏：{path} / damaged model file: {path} ({exc})"
            ) from exc


def _model_from(data: Any, header: dict) -> DispatchModel:
    from fazhi.dispatch.features import Block
    from fazhi.dispatch.model import DispatchModel

    blocks, weights = [], []
    for name in header["blocks"]:
        blocks.append(Block(name, data[f"keys_{name}"], data[f"idf_{name}"]))
        weights.append(data[f"weights_{name}"])
    return DispatchModel(
        labels=data["labels"].tolist(),
        blocks=blocks,
        weights=weights,
        bias=data["bias"],
        curve={key: data[f"curve_{key}"] for key in CURVE_KEYS},
        prior=data["prior"],
        metadata=header["metadata"],
        max_chars=int(header["max_chars"]),
    )
