"""survey.vocab: every enumeration once, each value with a label, all of them served."""

import pytest

from survey import vocab


def test_every_vocabulary_has_one_label_per_value_and_no_other():
    for name, (values, labels) in vocab.VOCABULARIES.items():
        assert values and len(set(values)) == len(values), name
        assert set(labels) >= set(values), f"{name}: no label for {set(values) - set(labels)}"
        unused = set(labels) - set(values)
        shared = name in ("open_sighting_status", "public_camera_status", "heading_source")  # a subset's labels
        assert shared or not unused, f"{name}: labels for values it does not have: {unused}"
        assert all(isinstance(labels[v], str) and labels[v].strip() for v in values), name


def test_every_enumeration_in_the_module_is_served():
    """A tuple of values in survey.vocab is a registered vocabulary or a part of one, never a stray list."""
    served = [set(values) for values, _ in vocab.VOCABULARIES.values()]
    tuples = {name: value for name, value in vars(vocab).items() if name.isupper() and isinstance(value, tuple)}
    assert len(tuples) > 15
    for name, values in tuples.items():
        assert any(set(values) <= known for known in served), f"vocab.{name} is not served"


def test_served_terms_keep_the_order_and_the_labels():
    served = vocab.served()
    assert list(served) == list(vocab.VOCABULARIES)
    assert [t["value"] for t in served["sighting_status"]] == list(vocab.SIGHTING_STATUSES)
    assert served["reject_reason"][3] == {"value": "photo_unclear", "label": "Photo unclear"}  # key 4 in the console
    assert vocab.label("sighting_status", vocab.NEEDS_INFO) == "Needs more information"
    assert vocab.label("reject_reason", "no_such_reason") == "no_such_reason"
    assert vocab.label("reject_reason", None) is None


@pytest.mark.parametrize(
    "subset, whole",
    [
        (vocab.OPEN_SIGHTING_STATUSES, vocab.SIGHTING_STATUSES),
        (vocab.DECIDED_SIGHTING_STATUSES, vocab.SIGHTING_STATUSES),
        (vocab.PUBLIC_CAMERA_STATUSES, vocab.CAMERA_STATUSES),
        (vocab.SENT_SOURCES, vocab.LOCATION_SOURCES),
    ],
)
def test_the_parts_lie_within_their_vocabulary(subset, whole):
    assert set(subset) < set(whole)
