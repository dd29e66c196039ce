"""What a publish must do: the difference between the built site and the bucket. Pure.

The bucket's state is its listing (key -> ETag, size), read fresh every time, and two
objects the tool writes below `<prefix>.site-builder/`:
- `manifest.json`: every file of the last finished publish (MD5, size, headers) and
  `retired`, the keys it had still to delete;
- `pending.json`: what a publish under way is uploading (left behind if it is killed).

A key in the listing is *ours* when one of those names it; any other key is *foreign*
and is never overwritten or deleted without `--prune-foreign`. A file is unchanged only
when the listing, the record and the built file agree on MD5 and size and the record's
headers match: the manifest is verified against the listing, never trusted alone.

Order, so that every page a visitor can reach has its CSS, script and photos: new files
first (they are not linked from the live site yet), assets before pages, pages before
the entry points (QR landings); then changed files in the same order; then the switch
(the new manifest); then the deletions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from site_builder.publish.files import LocalFile

ENTRY_PREFIXES = ("Q/", "q/", "01/")


@dataclass(frozen=True)
class Remote:
    key: str
    md5: str  # the ETag without quotes
    size: int


@dataclass(frozen=True)
class Record:
    md5: str
    size: int
    headers: str

    def to_json(self) -> dict[str, Any]:
        return {"md5": self.md5, "size": self.size, "headers": self.headers}

    @classmethod
    def from_json(cls, data: Any) -> Record | None:
        try:
            return cls(str(data["md5"]), int(data["size"]), str(data["headers"]))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class State:
    """What the tool recorded in the bucket (manifest + pending), parsed leniently."""

    files: dict[str, Record] = field(default_factory=dict)
    retired: frozenset[str] = frozenset()
    pending: dict[str, Record] = field(default_factory=dict)

    @classmethod
    def from_json(cls, manifest: Any, pending: Any) -> State:
        def records(data: Any) -> dict[str, Record]:
            out: dict[str, Record] = {}
            if isinstance(data, dict) and isinstance(data.get("files"), dict):
                for key, raw in data["files"].items():
                    rec = Record.from_json(raw)
                    if rec is not None:
                        out[str(key)] = rec
            return out

        retired = manifest.get("retired") if isinstance(manifest, dict) else None
        return cls(
            files=records(manifest),
            retired=frozenset(str(k) for k in retired)
            if isinstance(retired, list)
            else frozenset(),
            pending=records(pending),
        )


@dataclass
class Plan:
    new: list[LocalFile] = field(default_factory=list)
    changed: list[LocalFile] = field(default_factory=list)
    unchanged: int = 0
    delete: list[str] = field(default_factory=list)  # ours, no longer in the site
    foreign: list[str] = field(default_factory=list)  # not written by this tool
    foreign_gone: list[str] = field(default_factory=list)  # foreign, not in the site either
    manifest: dict[str, Record] = field(default_factory=dict)  # the site after the switch

    @property
    def uploads(self) -> list[LocalFile]:
        return self.new + self.changed

    @property
    def upload_bytes(self) -> int:
        return sum(f.size for f in self.uploads)

    def phases(self) -> list[list[LocalFile]]:
        """Upload groups, each finished before the next starts (see the module text)."""
        groups: list[list[LocalFile]] = []
        for files in (self.new, self.changed):
            for rank in (0, 1, 2):
                group = [f for f in files if _rank(f) == rank]
                if group:
                    groups.append(group)
        return groups

    @property
    def nothing_to_do(self) -> bool:
        return not (self.new or self.changed or self.delete or self.foreign)


def _rank(f: LocalFile) -> int:
    if not f.is_html:
        return 0
    return 2 if f.rel.startswith(ENTRY_PREFIXES) else 1


def make_plan(
    local: Mapping[str, LocalFile],
    listing: Mapping[str, Remote],
    state: State,
) -> Plan:
    plan = Plan()
    ours = set(state.files) | set(state.retired) | set(state.pending)
    plan.foreign = sorted(k for k in listing if k not in ours)
    foreign = set(plan.foreign)
    for key, f in local.items():
        plan.manifest[key] = Record(f.md5, f.size, f.headers)
        remote = listing.get(key)
        if remote is None:
            plan.new.append(f)
            continue
        if key in foreign:
            plan.changed.append(f)  # only ever sent with --prune-foreign
            continue
        record = state.pending.get(key)
        if record is None or record.md5 != remote.md5:
            record = state.files.get(key)
        same = (
            record is not None
            and record.md5 == remote.md5 == f.md5
            and record.size == remote.size == f.size
            and record.headers == f.headers
        )
        if same:
            plan.unchanged += 1
        else:
            plan.changed.append(f)
    plan.delete = sorted(k for k in listing if k not in local and k not in foreign)
    plan.foreign_gone = [k for k in plan.foreign if k not in local]
    return plan
