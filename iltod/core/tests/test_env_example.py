"""`.env.example` lists every variable the settings read from the environment, so an operator
reading it sees every knob there is. The settings file is read as code, not imported, so a variable
read only in production (or only when another one is set) is checked too."""

import ast
import re

from django.conf import settings

SETTINGS = settings.BASE_DIR / "iltod" / "settings.py"
ENV_EXAMPLE = settings.BASE_DIR / ".env.example"
READERS = {"env_str", "env_bool", "env_int", "env_list", "env_secret"}  # iltod/lib/env.py
SECRET_READERS = {"env_secret"}  # also read NAME_FILE


def _name_of_call(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        owner = node.func.value
        prefix = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        return f"{prefix}.{node.func.attr}"
    return ""


def variables_read(source: str) -> tuple[set[str], set[str], list[str]]:
    """(variables, secrets that also have a NAME_FILE form, readers whose name is not a literal)."""
    names, secrets, unreadable = set(), set(), []
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Call):
            called = _name_of_call(node)
            if called in READERS | {"os.getenv", "environ.get"} and node.args:
                key = node.args[0]
                if called in SECRET_READERS and isinstance(key, ast.Constant):
                    secrets.add(key.value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        if key is None:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
        else:
            unreadable.append(ast.unparse(node))
    return names, secrets, unreadable


def listed(example: str) -> set[str]:
    """Names given as ``NAME=`` at the start of a line, commented out or not."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))


def test_the_reader_finds_every_form_of_reading_the_environment():
    source = 'import os\nA = env_str("A")\nB = env_secret("B")\nC = os.environ.get("C")\nD = os.environ["D"]\n'
    source += 'E = os.getenv("E")\nF = env_int(f"{PREFIX}_F", 1)\n'
    names, secrets, unreadable = variables_read(source)
    assert names == {"A", "B", "C", "D", "E"}
    assert secrets == {"B"}
    assert unreadable == ["env_int(f'{PREFIX}_F', 1)"]
    assert listed("# A=1\nB=2  # or B_FILE=...\n#   C=3\nnot D=4\n") == {"A", "B", "C"}


def test_every_variable_the_settings_read_is_in_the_env_example():
    names, secrets, unreadable = variables_read(SETTINGS.read_text(encoding="utf-8"))
    example = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert not unreadable, "read environment variables by a literal name, so .env.example can list them"
    assert len(names) > 40  # the parse found the settings' readers
    assert sorted(names - listed(example)) == [], "add these variables to .env.example"
    missing_file_forms = sorted(name for name in secrets if f"{name}_FILE" not in example)
    assert missing_file_forms == [], "mention NAME_FILE for these secrets in .env.example"
