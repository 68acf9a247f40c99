"""Training once per fingerprint, with Rasa's cache of trained components kept per version of our code."""
import subprocess
import sys

from tools.train import CODE, INPUTS, ROOT, cache_directory, digest, fingerprint

COMPONENTS = ["nlu_components.normaliser", "nlu_components.tokenizer", "nlu_components.classifier",
              "nlu_components.entity_extractor", "nlu_components.door_answer"]


def test_the_code_list_covers_every_module_of_ours_the_components_load():
    """A module of ours the components came to use, left out of CODE, would neither retrain the model
    nor keep Rasa from reusing what its older version made of the training data."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; import " + ", ".join(COMPONENTS)
         + "; print('\\n'.join(m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)))"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    ours = {path for path in loaded if path.startswith((str(ROOT / "daozhang"), str(ROOT / "nlu_components")))}
    covered = [str(ROOT / name) for name in CODE]
    assert ours and not [path for path in ours if not any(path.startswith(c) for c in covered)]


def test_the_cache_folder_follows_the_code_and_the_model_name_everything():
    assert cache_directory().name == digest(CODE) != digest(["data"])
    assert set(CODE) < set(INPUTS) and fingerprint() == digest(INPUTS)
