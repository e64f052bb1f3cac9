"""The reader's names and definitions: one for each of the 14 PTC labels, and nothing else."""

from __future__ import annotations

from spinscope.techniques.base import TECHNIQUES
from spinscope.techniques.definitions import CHECKS, DEFINITIONS, NAMES, display_name


def test_every_technique_has_a_name_and_a_definition() -> None:
    assert set(NAMES) == set(TECHNIQUES) == set(DEFINITIONS)
    assert len(set(NAMES.values())) == len(TECHNIQUES), "names tell techniques apart"


def test_names_read_as_words_not_labels() -> None:
    for name in NAMES.values():
        assert "_" not in name and "," not in name.replace(", ", " "), name
        assert name[0].isupper(), name
    assert display_name("Exaggeration,Minimisation") == "Exaggeration or minimisation"
    assert display_name("Name_Calling,Labeling") == "Name calling or labelling"
    assert display_name("Whataboutism,Straw_Men,Red_Herring") == "Whataboutism, straw man or red herring"


def test_a_label_outside_the_corpus_shows_as_itself() -> None:
    assert display_name("Some_New_Label") == "Some_New_Label"


def test_every_technique_has_one_question_to_check() -> None:
    assert set(CHECKS) == set(TECHNIQUES)
    for label, check in CHECKS.items():
        assert check.endswith("?") and check.count("\n") == 0, label
        assert check not in (DEFINITIONS[label], NAMES[label]), "a check asks something the definition does not say"
