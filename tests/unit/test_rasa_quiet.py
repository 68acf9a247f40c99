"""`make run` shows our warnings and every error, not the dependencies' deprecation notices."""
import io
import warnings

from tools import rasa_quiet

THEIRS = str(rasa_quiet.ROOT / ".venv/lib/python3.10/site-packages/jieba/__init__.py")
OURS = str(rasa_quiet.ROOT / "daozhang/money.py")


def shown(*raised) -> str:
    out = io.StringIO()

    def to_out(message, category, filename, lineno, file=None, line=None):
        out.write(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.simplefilter("always")  # as sanic and Rasa's CLI ask, whatever was set before
        warnings.showwarning = to_out
        rasa_quiet.quiet_rasa_imports()
        rasa_quiet.quiet_rasa_imports()  # twice is harmless
        for text, category, filename in raised:
            warnings.warn_explicit(text, category, filename, 1)
    return out.getvalue()


def test_their_notices_are_dropped_and_ours_and_real_warnings_shown():
    printed = shown(("pkg_resources is deprecated", DeprecationWarning, THEIRS),
                    ("setParseAction deprecated", PendingDeprecationWarning, THEIRS),
                    ("load_module() is deprecated", DeprecationWarning, "<frozen importlib._bootstrap>"),
                    ("our own deprecation", DeprecationWarning, OURS),
                    ("a real problem", RuntimeWarning, THEIRS))
    assert "pkg_resources" not in printed and "setParseAction" not in printed and "load_module" not in printed
    assert "our own deprecation" in printed and "a real problem" in printed
