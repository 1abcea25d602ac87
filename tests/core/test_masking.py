from types import SimpleNamespace

from fazhi.core.masking import anonymise_name, is_confidential, mask_id_number, mask_name, mask_phone


def test_masking_conventions():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert anonymise_name("张三") == "张某"
    assert anonymise_name("张三丰") == "张某某"


def test_only_an_appeal_that_asked_is_confidential():
    assert is_confidential(SimpleNamespace(kind="appeal", appeal=SimpleNamespace(confidential=True)))
    assert not is_confidential(SimpleNamespace(kind="appeal", appeal=SimpleNamespace(confidential=False)))
    assert not is_confidential(SimpleNamespace(kind="appeal"))  # no appeal row (yet)
    # another kind never is, whatever it carries
    assert not is_confidential(SimpleNamespace(kind="disclosure", appeal=SimpleNamespace(confidential=True)))
