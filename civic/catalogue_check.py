"""The Welsh catalogue's checks, run by `make lint` (scripts/check-catalogue.py)
and by the test suite (tests/civic/test_catalogue.py).

Three things fail it:

1. **A msgid the catalogue lacks.** makemessages is run, exactly as a
   developer runs it (``MAKEMESSAGES_ARGS``), on a copy of the source tree,
   and the msgids it extracts are compared with the catalogue's (msgctxt,
   msgid and msgid_plural all count).
2. **An untranslated or fuzzy entry** in any ``locale/cy`` catalogue, or one
   that GNU msgfmt's format check refuses (a placeholder missing or added).
3. **Visible English in a template outside the translation tags.** A simple,
   honest linter, not a parser of every case: it reads each template with
   Django's own lexer, drops everything inside ``{% translate %}``,
   ``{% blocktranslate %}…{% endblocktranslate %}``, ``{{ … }}``, comments and
   ``{% verbatim %}``, and then looks, with Python's HTML parser, for letters
   in text nodes and in the attributes people read or hear (title, alt,
   placeholder, aria-label, aria-description, aria-roledescription,
   aria-valuetext, and the value of a button-like input). Its limits: text
   inside <script> and <style> is not read (the site has no JavaScript
   strings), a string built in a template from variables alone is not seen,
   and the names in ``ALLOWED_WORDS`` (the product's name) are let through.
   Text-only templates (the emails, ``.txt``) are checked the same way,
   without the HTML.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "cy"
# How the catalogue is updated: `scripts/check-catalogue.py --update` runs
# exactly this, so the check and the update extract the same msgids.
MAKEMESSAGES_ARGS = [
    "makemessages",
    "--locale",
    LANGUAGE,
    "--no-obsolete",
    "--ignore=.venv/*",
    "--ignore=var/*",
    "--ignore=tests/*",
    "--ignore=benchmarks/*",
    "--ignore=static/*",
    "--ignore=node_modules/*",
    "--ignore=test-artifacts/*",
]
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "var",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "test-artifacts",
    "*.egg-info",
    "static",
    "*.mo",
)
# Not English, whatever the page's language: the product's name.
ALLOWED_WORDS = {"Civic"}
READ_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
}
APPS = (
    "civic",
    "partnerships",
    "outcomes",
    "jobs",
    "kpis",
    "wellbeing",
    "reports",
    "exchange",
    "demo",
)
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


@dataclass(frozen=True)
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def catalogues(root: Path = ROOT) -> list[Path]:
    return sorted(root.glob(f"locale/{LANGUAGE}/LC_MESSAGES/*.po"))


def entry_key(entry) -> tuple:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def describe(key: tuple) -> str:
    ctxt, msgid, _plural = key
    return (f"[{ctxt}] " if ctxt else "") + repr(msgid)


# 1. Missing msgids


def extracted_msgids(root: Path = ROOT) -> dict[str, set[tuple]]:
    """What makemessages would write, per catalogue file name, run on a copy
    of the tree so that the real catalogue is left alone."""
    with tempfile.TemporaryDirectory(prefix="civic-makemessages-") as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(root, copy, ignore=COPY_IGNORE)
        # Empty catalogues, so nothing of the real one carries over.
        for po in (copy / "locale").glob("*/LC_MESSAGES/*.po"):
            po.unlink()
        run_makemessages(copy)
        return {
            po.name: {entry_key(e) for e in polib.pofile(str(po)) if not e.obsolete}
            for po in (copy / "locale" / LANGUAGE / "LC_MESSAGES").glob("*.po")
        }


def run_makemessages(root: Path) -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "civic.settings.test",
        # Settings refuse to load without one; makemessages never connects.
        "DATABASE_URL": "postgres://catalogue@127.0.0.1:1/catalogue",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES_ARGS],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"makemessages failed ({result.returncode}):\n{result.stderr[-2000:]}"
        )


def missing_msgids(root: Path = ROOT) -> list[Problem]:
    problems = []
    for name, wanted in extracted_msgids(root).items():
        path = root / "locale" / LANGUAGE / "LC_MESSAGES" / name
        have = (
            {entry_key(e) for e in polib.pofile(str(path)) if not e.obsolete}
            if path.exists()
            else set()
        )
        for key in sorted(wanted - have, key=lambda k: (k[1], k[0] or "")):
            problems.append(
                Problem(
                    f"locale/{LANGUAGE}/LC_MESSAGES/{name}",
                    f"lacks {describe(key)} (run scripts/check-catalogue.py "
                    "--update, then translate it)",
                )
            )
    return problems


# 2. Untranslated, fuzzy, or badly formatted entries


def untranslated(paths: list[Path] | None = None) -> list[Problem]:
    problems = []
    for path in catalogues() if paths is None else paths:
        catalogue = polib.pofile(str(path))
        for entry in catalogue:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(
                    Problem(str(path), f"fuzzy: {describe(entry_key(entry))}")
                )
            elif not entry.translated():
                problems.append(
                    Problem(str(path), f"untranslated: {describe(entry_key(entry))}")
                )
        problems.extend(msgfmt_problems(path))
    return problems


def msgfmt_problems(path: Path) -> list[Problem]:
    """GNU msgfmt's own check (placeholders, plural forms, header), when
    msgfmt is installed (scripts/install-system-deps.sh installs it)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    if result.returncode == 0:
        return []
    return [
        Problem(str(path), f"msgfmt: {line}") for line in result.stderr.splitlines()
    ]


# 3. Unmarked template text


def template_files(root: Path = ROOT) -> list[Path]:
    found = [*root.glob("templates/**/*.html"), *root.glob("templates/**/*.txt")]
    for app in APPS:
        for pattern in ("templates/**/*.html", "templates/**/*.txt"):
            found += (root / app).glob(pattern)
    return sorted(set(found))


def _masked_source(source: str) -> str:
    """The template with everything that is not literal text replaced: a
    translated string by "\\x00" (no letters), a variable likewise, other tags
    by a space; line breaks are kept, so line numbers stay true."""
    from django.template.base import DebugLexer, TokenType

    out = []
    skip_until = None
    for token in DebugLexer(source).tokenize():
        raw = _raw(token, source)
        keep_lines = "\n" * raw.count("\n")
        if skip_until is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[:1] == [
                skip_until
            ]:
                skip_until = None
            out.append("\x00" + keep_lines)
            continue
        if token.token_type == TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type == TokenType.VAR:
            out.append("\x00" + keep_lines)
        elif token.token_type == TokenType.COMMENT:
            out.append(keep_lines)
        else:
            name = (token.contents.split() or [""])[0]
            if name in ("blocktranslate", "blocktrans"):
                skip_until = "end" + name
                out.append("\x00" + keep_lines)
            elif name in ("comment", "verbatim"):
                skip_until = "end" + name
                out.append(keep_lines)
            elif name in ("translate", "trans"):
                out.append(
                    keep_lines if " as " in token.contents else "\x00" + keep_lines
                )
            else:
                out.append(" " + keep_lines)
    return "".join(out)


def _raw(token, source: str) -> str:
    start, end = token.position
    return source[start:end]


def _english(text: str) -> bool:
    words = WORD.findall(text)
    return any(word not in ALLOWED_WORDS for word in words) and bool(
        LETTER.search(text)
    )


def _shown(text: str) -> str:
    """The text as a message shows it: a template value as "…"."""
    return " ".join(text.replace("\x00", " … ").split())


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.raw_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.raw_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            if not value:
                continue
            read = name in READ_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES
            )
            if read and _english(value):
                self.found.append((self.getpos()[0], f'{name}="{_shown(value)}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.raw_depth:
            self.raw_depth -= 1

    def handle_data(self, data):
        if self.raw_depth == 0 and _english(data):
            leading = data[: len(data) - len(data.lstrip())]
            line = self.getpos()[0] + leading.count("\n")
            self.found.append((line, _shown(data)))


def unmarked_template_text(paths: list[Path] | None = None, root: Path = ROOT):
    problems = []
    for path in template_files(root) if paths is None else paths:
        masked = _masked_source(path.read_text(encoding="utf-8"))
        where = path.relative_to(root) if path.is_relative_to(root) else path
        if path.suffix == ".txt":
            for number, line in enumerate(masked.splitlines(), start=1):
                if _english(line):
                    problems.append(
                        Problem(
                            f"{where}:{number}", f"not translated: {line.strip()!r}"
                        )
                    )
            continue
        finder = _TextFinder()
        finder.feed(masked)
        finder.close()
        for number, text in finder.found:
            problems.append(Problem(f"{where}:{number}", f"not translated: {text!r}"))
    return problems


def all_problems(root: Path = ROOT) -> list[Problem]:
    return [*missing_msgids(root), *untranslated(), *unmarked_template_text(root=root)]
