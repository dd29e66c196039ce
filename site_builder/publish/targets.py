"""The `publish:` section of site.yaml: where the site goes (never the secrets).

    publish:
      site:                                  # a target name: `site-builder publish site`
        bucket: xinman-site                  # required
        endpoint_url: https://s3.example.vn  # omitted: Amazon S3
        region: ap-southeast-1               # optional
        prefix: ""                           # optional folder inside the bucket
        profile: xinman                      # optional: a profile of ~/.aws/config
        compressed: gzip                     # gzip (default) | none

Credentials come from the environment or the standard AWS configuration only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from site_builder.config import CONFIG_FILE, SiteConfig
from site_builder.content import schema as s
from site_builder.content.yamlsource import parse_yaml, read_text
from site_builder.errors import Collector, ContentError, SiteError
from site_builder.messages import Msg

BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class Target:
    name: str
    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    prefix: str = ""
    profile: str | None = None
    compressed: str = "gzip"

    @property
    def where(self) -> str:
        """'bucket/prefix at endpoint', for messages."""
        place = f"{self.bucket}/{self.prefix}"
        return f"{place} ({self.endpoint_url})" if self.endpoint_url else place


def _bucket(value: Any) -> str:
    name = s.text(value)
    if not BUCKET_RE.match(name):
        raise s.Problem(
            Msg("'{name}' is not a bucket name.", name=name),
            Msg("Bucket names are 3-63 lower-case letters, digits, dots and hyphens."),
        )
    return name


def _endpoint(value: Any) -> str:
    url = s.text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise s.Problem(
            Msg("'{url}' is not an absolute web address.", url=url),
            Msg("Write the storage address your provider gives, e.g. https://s3.example.vn"),
        )
    return url


def _prefix(value: Any) -> str:
    """A folder inside the bucket; "" or "/" (as the docs' example writes it): none."""
    if isinstance(value, str) and not value.strip().strip("/"):
        return ""
    prefix = s.text(value).strip("/")
    if ".." in prefix.split("/") or "\\" in prefix:
        raise s.Problem(Msg("'{prefix}' is not a folder name.", prefix=prefix))
    return prefix + "/" if prefix else ""


FIELDS = [
    s.Field("bucket", _bucket),
    s.Field("endpoint_url", _endpoint, required=False),
    s.Field("region", s.text, required=False),
    s.Field("prefix", _prefix, required=False),
    s.Field("profile", s.text, required=False),
    s.Field("compressed", s.one_of(["gzip", "none"]), required=False),
]


def load_targets(config: SiteConfig) -> dict[str, Target]:
    """Every target of site.yaml, checked; `ErrorList` with each problem (file and line)."""
    path = config.root / CONFIG_FILE
    data, lines = parse_yaml(read_text(path), path)
    section = data.get("publish") if isinstance(data, dict) else None
    errors = Collector()
    targets: dict[str, Target] = {}
    for name, raw in (section or {}).items():
        clean = s.check_mapping(raw, FIELDS, lines, errors, prefix=("publish", name))
        if clean is None or clean["bucket"] is None:
            continue
        targets[str(name)] = Target(
            name=str(name),
            bucket=clean["bucket"],
            endpoint_url=clean["endpoint_url"],
            region=clean["region"],
            prefix=clean["prefix"] or "",
            profile=clean["profile"],
            compressed=clean["compressed"] or "gzip",
        )
    errors.raise_if_any()
    return targets


def choose(config: SiteConfig, name: str | None) -> list[Target]:
    """The target called `name`, or every target when no name is given."""
    targets = load_targets(config)
    path = config.root / CONFIG_FILE
    if not targets:
        raise ContentError(
            path,
            None,
            "publish",
            Msg("site.yaml has no publish targets."),
            Msg(
                "Add one, e.g. publish: {site: {bucket: my-bucket, endpoint_url: https://s3.example.vn}} (see docs/deploy.md)."
            ),
        )
    if name is None:
        return list(targets.values())
    if name not in targets:
        raise SiteError(
            Msg(
                "there is no publish target '{name}' in site.yaml. Targets: {names}.",
                name=name,
                names=", ".join(targets),
            )
        )
    return [targets[name]]
