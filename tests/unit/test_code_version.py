"""Rasa's training cache must not reuse what older code of ours made of the training data."""
import importlib
import subprocess
import sys

import pytest

from nlu_components.code_version import CODE, ROOT, code_digest

COMPONENTS = [("nlu_components.normaliser", "TextNormaliser"), ("nlu_components.tokenizer", "DomainJiebaTokenizer"),
              ("nlu_components.classifier", "TunedLogisticRegressionClassifier"),
              ("nlu_components.entity_extractor", "DomainEntityExtractor"),
              ("nlu_components.door_answer", "DoorAnswerIntent")]


@pytest.mark.parametrize("module, name", COMPONENTS)
def test_each_component_keys_its_cached_output_by_our_code(module, name):
    component = getattr(importlib.import_module(module), name)
    assert code_digest() in component.fingerprint_addon(component.get_default_config())


def test_the_code_list_covers_every_module_of_ours_the_components_load():
    """A module of the domain package the components came to use, left out of CODE, would bring the
    stale cache back for changes to it."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; import " + ", ".join(m for m, _ in COMPONENTS)
         + "; print('\\n'.join(m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)))"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    ours = {path for path in loaded if path.startswith((str(ROOT / "daozhang"), str(ROOT / "nlu_components")))}
    covered = [str(ROOT / name) for name in CODE]
    assert ours and not [path for path in ours if not any(path.startswith(c) for c in covered)]
