"""Output folders: written whole or not at all, and never over anything drsim did not make.

Every command that writes a folder goes through this module: `staged` for a new folder
(drsim run, replay, report, make-county, import-osm on a new folder), `updated` for
changing some files of an existing scenario folder (import-osm --force, import-places),
and `claim` for a sweep folder (written incrementally, so that a sweep can resume).
What they guarantee:

- **Complete or absent.** Files are written into a new hidden folder beside the target,
  `.NAME.XXXXXXXX.drsim-tmp`, which is renamed into place only when everything is written.
  A refusal, a failure or an OSError (a full disk, a path below a regular file, a
  permission) removes that folder and any parent folder made for it: the target is as it
  was. A killed command can leave only such a hidden folder beside the target (or, killed
  between the two renames of a replacement, the old folder kept as `.NAME.XXXXXXXX.drsim-old`),
  never a half-written target.
- **A marker proves a folder is drsim's.** Every folder written holds `.drsim`, a small JSON
  file with its kind (run, sweep, scenario, replay, report, sensitivity) and the entries drsim wrote.
- **Nothing drsim did not make is deleted or overwritten.** A folder is replaced only when
  its marker is of the same kind and each of its entries is drsim's (listed in the marker,
  a subfolder with its own marker such as `report/`, or a file an operating system adds
  such as `.DS_Store`); commands with `--force` (make-county, import-osm) replace only then.
  An empty folder may be used. Anything else that exists at the target (a file, a symbolic
  link, a folder of another kind, a folder without a marker that holds anything) is refused,
  naming it.
- **Dangerous targets are refused:** an empty path, the filesystem root, the home folder or
  a folder above it, the working directory or a folder above it.
- **Names are names.** A name that becomes a path component (a sweep's case, a replay's
  case) must match `SAFE_NAME` (and not be a Windows device name): it can never climb
  out of its folder.
- Every refusal or OSError is an `InputError` naming the path: one message, exit code 2.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sim.errors import InputError, Problem

MARKER = ".drsim"
KINDS = ("run", "sweep", "scenario", "replay", "report", "sensitivity")
SAFE_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"  # a folder name on every filesystem
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
OS_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # added by file browsers
TMP_SUFFIX = ".drsim-tmp"
OLD_SUFFIX = ".drsim-old"
REFUSED = "the output folder was refused"
NOT_WRITTEN = "the output could not be written (nothing was written)"


def safe_name(name: object, where: str) -> str:
    """`name` if it can be one path component anywhere; otherwise InputError naming `where`."""
    if (
        not isinstance(name, str)
        or not re.fullmatch(SAFE_NAME, name)
        or name.endswith(".")
        or name.split(".", 1)[0].upper() in _DEVICES
    ):
        raise InputError(
            Problem(
                where,
                name,
                "must be a plain name (letters, digits, _ . -, starting with a letter or digit, at most "
                "64 characters, not a device name such as CON): it names a folder, never a path",
            ),
            heading="a name was refused",
        )
    return name


def atomic_write(path: Path, data: bytes | Callable[[Path], object]) -> None:
    """Write `path` so that it is either absent or complete, never half-written: the bytes, or
    what `data(tmp)` writes, go to a temporary name in the same folder, then one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if callable(data):
        data(tmp)
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)


def folder_sha256(folder: str | Path) -> dict[str, str]:
    """SHA-256 of every file of a scenario folder, by name: a resumed or replayed sweep must
    run on the same data."""
    root = Path(folder)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MARKER  # drsim's marker is not data
    }


def read_marker(folder: Path) -> dict | None:
    """The marker of `folder` (kind and files), or None when it has none or it is unreadable."""
    try:
        mark = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(mark, dict) or mark.get("kind") not in KINDS:
        return None
    files = mark.get("files")
    mark["files"] = [f for f in files if isinstance(f, str)] if isinstance(files, list) else []
    return mark


def write_marker(folder: Path, kind: str, files: Iterable[str] | None = None) -> None:
    """Write `folder`'s marker; `files` defaults to every entry in it. Deterministic bytes."""
    assert kind in KINDS, kind
    if files is None:
        files = [e for e in os.listdir(folder) if e != MARKER]
    mark = {
        "kind": kind,
        "made_by": "drsim; replaced only as a whole, by a drsim command of the same kind",
        "files": sorted(set(files) - {MARKER}),
    }
    (folder / MARKER).write_text(json.dumps(mark, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _refuse(where: str, value: object, rule: str) -> InputError:
    return InputError(Problem(where, str(value), rule), heading=REFUSED)


def absolute_target(target: str | Path, where: str = "output folder") -> Path:
    """The target as an absolute path (lexically normalised), refused when dangerous."""
    if not str(target).strip():
        raise _refuse(where, target, "an empty path: give the folder to write")
    absolute = Path(os.path.abspath(target))
    resolved = absolute.resolve()
    if resolved == resolved.parent:
        raise _refuse(where, target, "is the filesystem root: give a folder of its own")
    cwd = Path.cwd().resolve()
    if resolved == cwd or cwd.is_relative_to(resolved):
        raise _refuse(
            where, target, "is the working directory or a folder above it: give a folder of its own"
        )
    with contextlib.suppress(RuntimeError, KeyError):  # no home folder known
        home = Path.home().resolve()
        if resolved == home or home.is_relative_to(resolved):
            raise _refuse(where, target, "is the home folder or a folder above it: give a folder of its own")
    return absolute


def _parent_problem(absolute: Path) -> str | None:
    """Why no folder can be made at `absolute` (a part of its path is a file), or None."""
    for up in absolute.parents:
        if up.exists() or up.is_symlink():
            return None if up.is_dir() else f"{up} is a file, not a folder"
    return None


def _entries(absolute: Path, where: str, target: object) -> list[str]:
    try:
        return [e for e in os.listdir(absolute) if e not in OS_FILES]
    except OSError as exc:
        raise _refuse(where, target, f"cannot be read: {exc.strerror}") from None


def _drsim_subfolder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and read_marker(path) is not None


def check(
    target: str | Path,
    kind: str,
    *,
    replace: bool,
    force_hint: bool = False,
    where: str = "output folder",
    keep: Iterable[str] = (),
) -> Path:
    """Refuse (InputError) a target that may not receive a new `kind` folder; return it absolute.

    `replace`: an existing drsim folder of the same kind, holding only drsim's entries, may be
    replaced (else it is refused, with "use --force" when `force_hint`). `keep`: entries a
    folder without a marker may hold (Hydra's own files in a multirun job folder); they are
    carried over into the new folder."""
    absolute = absolute_target(target, where)
    if absolute.is_symlink():
        raise _refuse(where, target, "is a symbolic link: give the folder itself")
    if not absolute.exists():
        problem = _parent_problem(absolute)
        if problem:
            raise _refuse(where, target, f"cannot be made: {problem}")
        return absolute
    if not absolute.is_dir():
        raise _refuse(where, target, "exists and is a file, not a folder: give another path")
    keep = set(keep)
    entries = [e for e in _entries(absolute, where, target) if e not in keep]
    if not entries:
        return absolute  # empty (or only the entries to keep): nothing to lose
    mark = read_marker(absolute)
    if mark is None:
        shown = ", ".join(sorted(entries)[:5]) + (", ..." if len(entries) > 5 else "")
        raise _refuse(
            where,
            target,
            f"exists and holds files drsim did not make ({shown}): give a new or empty folder",
        )
    if mark["kind"] != kind:
        raise _refuse(where, target, f"is a drsim {mark['kind']} folder: a {kind} may not be written into it")
    if not replace:
        hint = ": use --force to replace it" if force_hint else ""
        raise _refuse(where, target, f"exists (a drsim {kind} folder){hint}")
    listed = set(mark["files"]) | {MARKER}
    foreign = sorted(e for e in entries if e not in listed and not _drsim_subfolder(absolute / e))
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise _refuse(
            where,
            target,
            f"holds files drsim did not write ({shown}): move them out, or give another folder",
        )
    return absolute


def _make_parents(folder: Path) -> list[Path]:
    """mkdir -p, returning the folders made (deepest last), so that a failure can remove them."""
    made = []
    for up in reversed([folder, *folder.parents]):
        if not up.exists():
            up.mkdir()
            made.append(up)
    return made


def _remove_made(stage: Path | None, made: list[Path]) -> None:
    if stage is not None:
        shutil.rmtree(stage, ignore_errors=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if still empty


def _umask_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask


def _new_sibling(absolute: Path, suffix: str) -> Path:
    return absolute.with_name(f".{absolute.name[:80]}.{secrets.token_hex(4)}{suffix}")


def _not_written(exc: OSError, where: str, target: object, stage: Path | None, absolute: Path) -> InputError:
    path = str(exc.filename) if exc.filename else str(absolute)
    if stage is not None:
        path = path.replace(str(stage), str(absolute))
    reason = exc.strerror or type(exc).__name__
    return InputError(
        Problem(where, str(target), f"{path}: {reason} (check free space, the path and its permissions)"),
        heading=NOT_WRITTEN,
    )


def _commit(stage: Path, absolute: Path, keep: set[str]) -> None:
    """Rename the finished `stage` to `absolute`, replacing what `check` allowed to be replaced."""
    os.chmod(stage, _umask_mode())
    if not absolute.exists():
        os.rename(stage, absolute)
        return
    old = _new_sibling(absolute, OLD_SUFFIX)
    os.rename(absolute, old)
    try:
        os.rename(stage, absolute)
    except BaseException:
        os.rename(old, absolute)
        raise
    for entry in sorted(keep):
        if (old / entry).exists() and not (absolute / entry).exists():
            with contextlib.suppress(OSError):
                os.rename(old / entry, absolute / entry)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged(
    target: str | Path,
    kind: str,
    *,
    replace: bool,
    force_hint: bool = False,
    where: str = "output folder",
    keep: Iterable[str] = (),
) -> Iterator[Path]:
    """A new, empty temporary folder beside `target` to write into; when the block ends
    normally it gets its marker and is renamed to `target` (see `check` for what may be
    replaced). On any exception it is removed; an OSError becomes an InputError naming the path."""
    keep = set(keep)
    absolute = check(target, kind, replace=replace, force_hint=force_hint, where=where, keep=keep)
    stage: Path | None = None
    made: list[Path] = []
    try:
        made = _make_parents(absolute.parent)
        stage = _new_sibling(absolute, TMP_SUFFIX)
        stage.mkdir()
        yield stage
        write_marker(stage, kind)
        check(target, kind, replace=replace, force_hint=force_hint, where=where, keep=keep)  # again
        _commit(stage, absolute, keep)
    except OSError as exc:
        _remove_made(stage, made)
        raise _not_written(exc, where, target, stage, absolute) from None
    except BaseException:
        _remove_made(stage, made)
        raise


@contextlib.contextmanager
def updated(
    target: str | Path, kind: str, writes: Iterable[str], *, where: str = "output folder"
) -> Iterator[Path]:
    """A temporary copy of the existing drsim folder `target` (of `kind`) to change; when the
    block ends normally it replaces `target` as a whole. `writes`: the entries the block
    writes (added to the marker's list). Every other entry is copied as it was, so nothing
    is lost; on any exception the copy is removed and `target` is untouched."""
    absolute = absolute_target(target, where)
    if absolute.is_symlink() or not absolute.is_dir():
        raise _refuse(where, target, f"is not a folder (a drsim {kind} folder is needed)")
    mark = read_marker(absolute)
    if mark is None or mark["kind"] != kind:
        what = f"a drsim {mark['kind']} folder" if mark else f"not a folder drsim made (no {MARKER} marker)"
        raise _refuse(where, target, f"is {what}: only a drsim {kind} folder is changed in place")
    stage: Path | None = None
    try:
        stage = _new_sibling(absolute, TMP_SUFFIX)
        shutil.copytree(absolute, stage, symlinks=True)
        yield stage
        write_marker(stage, kind, [*mark["files"], *writes])
        _commit(stage, absolute, set())
    except OSError as exc:
        _remove_made(stage, [])
        raise _not_written(exc, where, target, stage, absolute) from None
    except BaseException:
        _remove_made(stage, [])
        raise


def _legacy_sweep(absolute: Path) -> bool:
    """A sweep folder written before markers existed: its case manifests say so."""
    return (absolute / "manifest.json").is_file() and any((absolute / "cases").glob("*/manifest.json"))


def claim(
    target: str | Path, kind: str = "sweep", *, where: str = "hydra.run.dir", create: bool = True
) -> Path:
    """Make sure `target` is a drsim folder of `kind` that commands may add to (a sweep,
    written incrementally): made with its marker when new or empty, accepted when it has the
    marker, refused otherwise. Returns it absolute. `create=False` only checks (nothing written)."""
    absolute = absolute_target(target, where)
    if absolute.is_symlink():
        raise _refuse(where, target, "is a symbolic link: give the folder itself")
    made: list[Path] = []
    try:
        if absolute.exists():
            if not absolute.is_dir():
                raise _refuse(where, target, "exists and is a file, not a folder: give another path")
            mark = read_marker(absolute)
            if mark is not None and mark["kind"] == kind:
                return absolute
            if mark is not None:
                raise _refuse(where, target, f"is a drsim {mark['kind']} folder, not a {kind} folder")
            if _entries(absolute, where, target) and not (kind == "sweep" and _legacy_sweep(absolute)):
                raise _refuse(
                    where, target, "exists and holds files drsim did not make: give a new or empty folder"
                )
        else:
            problem = _parent_problem(absolute)
            if problem:
                raise _refuse(where, target, f"cannot be made: {problem}")
            if create:
                made = _make_parents(absolute)
        if create:
            write_marker(absolute, kind, [])
    except OSError as exc:
        _remove_made(None, made)
        raise _not_written(exc, where, target, None, absolute) from None
    return absolute
