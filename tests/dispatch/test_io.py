from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from fazhi.dispatch import FORMAT_VERSION, ModelFormatError, load
from fazhi.dispatch.io import sidecar_path


def test_round_trip(model, tmp_path):
    path = model.save(tmp_path / "models" / "dispatch.model")
    again = load(path)
    texts = ["电梯故障", "學校亂收費", "", "公交 站台"]
    np.testing.assert_allclose(again.predict_proba(texts), model.predict_proba(texts), atol=1e-6)
    assert again.version == model.version and again.labels == model.labels
    assert again.threshold_for(precision=0.9) == model.threshold_for(precision=0.9)
    assert again.explain("电梯故障") == model.explain("电梯故障")


def test_sidecar_json_has_training_metadata(model, tmp_path):
    path = model.save(tmp_path / "dispatch.model")
    meta = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert meta["format_version"] == FORMAT_VERSION and meta["library"] == "fazhi.dispatch"
    assert meta["model_version"] == model.version
    inner = meta["metadata"]
    for key in (
        "library_version",
        "labels",
        "n_train",
        "train_seconds",
        "trained_at",
        "params",
        "cv",
        "versions",
    ):
        assert key in inner


def test_model_file_holds_no_pickles(model, tmp_path):
    path = model.save(tmp_path / "dispatch.model")
    with np.load(path, allow_pickle=False) as data:  # would raise on object arrays
        assert {"header", "labels", "bias"} <= set(data.files)


def rewrite_header(path, **changes):
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    header = json.loads(str(arrays["header"]))
    header.update(changes)
    arrays["header"] = np.array(json.dumps(header, ensure_ascii=False))
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def test_other_format_version_is_refused_in_both_languages(model, tmp_path):
    path = model.save(tmp_path / "dispatch.model")
    rewrite_header(path, format_version=FORMAT_VERSION + 1, library_version="9.0.0")
    with pytest.raises(ModelFormatError) as err:
        load(path)
    message = str(err.value)
    assert "格式不兼容" in message and "Incompatible model file" in message
    assert "9.0.0" in message and "重新训练" in message and "Retrain" in message


def test_other_library_is_refused(model, tmp_path):
    path = model.save(tmp_path / "dispatch.model")
    rewrite_header(path, library="someone.else")
    with pytest.raises(ModelFormatError):
        load(path)


def test_not_a_model_file(tmp_path):
    junk = tmp_path / "junk.model"
    junk.write_bytes(b"\x80\x04 definitely not a model")
    with pytest.raises(ModelFormatError, match="not a dispatch model file"):
        load(junk)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.arange(3))
    with pytest.raises(ModelFormatError, match="不是分拨模型文件"):
        load(other)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.model")
    assert zipfile.is_zipfile(other)
