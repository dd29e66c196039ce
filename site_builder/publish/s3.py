"""The boto3 calls of a publish, and their failures as messages a member can act on.

Short timeouts and few retries: an endpoint that does not answer fails in seconds.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

from site_builder.errors import SiteError
from site_builder.messages import Msg
from site_builder.publish.files import MANIFEST_DIR, LocalFile
from site_builder.publish.plan import Remote
from site_builder.publish.targets import Target

CONNECT_TIMEOUT = 4
READ_TIMEOUT = 10
ATTEMPTS = 2
CREDENTIAL_VARIABLES = "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"
BAD_CREDENTIALS = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidToken",
    "ExpiredToken",
    "AuthorizationHeaderMalformed",
    "403",
    "Forbidden",
}
NO_BUCKET = {"NoSuchBucket", "404", "NotFound"}


class Bucket:
    """One target's bucket and prefix."""

    def __init__(self, target: Target, workers: int = 8) -> None:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ProfileNotFound

        self.target = target
        try:
            session = boto3.Session(profile_name=target.profile)
        except ProfileNotFound:
            raise SiteError(
                Msg(
                    "target '{name}': the profile '{profile}' is not in the AWS configuration (~/.aws/config, ~/.aws/credentials).",
                    name=target.name,
                    profile=target.profile,
                )
            ) from None
        if session.get_credentials() is None:
            raise SiteError(
                Msg(
                    "target '{name}': no storage credentials. Set the environment variables {variables} (or AWS_PROFILE, or ~/.aws/credentials); never write them in site.yaml.",
                    name=target.name,
                    variables=CREDENTIAL_VARIABLES,
                )
            )
        config = Config(
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            retries={"total_max_attempts": ATTEMPTS, "mode": "standard"},
            max_pool_connections=workers + 2,
            s3={"addressing_style": "path" if target.endpoint_url else "auto"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        region = target.region or session.region_name or "us-east-1"
        self.client: Any = session.client(
            "s3", endpoint_url=target.endpoint_url, region_name=region, config=config
        )
        self.name = target.bucket
        self.prefix = target.prefix

    # --- errors ----------------------------------------------------------------------
    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
            NoCredentialsError,
            ReadTimeoutError,
        )

        t = self.target
        try:
            yield
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in BAD_CREDENTIALS:
                raise SiteError(
                    Msg(
                        "target '{name}': the storage refused the credentials. Check {variables} (or the profile) for the bucket {bucket}.",
                        name=t.name,
                        variables=CREDENTIAL_VARIABLES,
                        bucket=t.bucket,
                    )
                ) from None
            if code in NO_BUCKET:
                raise SiteError(
                    Msg(
                        "target '{name}': there is no bucket '{bucket}' at {endpoint}. Create it first (docs/deploy.md) or correct site.yaml.",
                        name=t.name,
                        bucket=t.bucket,
                        endpoint=t.endpoint_url or "Amazon S3",
                    )
                ) from None
            raise SiteError(
                Msg(
                    "target '{name}': the storage answered with an error: {error}",
                    name=t.name,
                    error=str(exc),
                )
            ) from None
        except NoCredentialsError:
            raise SiteError(
                Msg(
                    "target '{name}': no storage credentials. Set the environment variables {variables} (or AWS_PROFILE, or ~/.aws/credentials); never write them in site.yaml.",
                    name=t.name,
                    variables=CREDENTIAL_VARIABLES,
                )
            ) from None
        except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError):
            raise SiteError(
                Msg(
                    "target '{name}': the storage at {endpoint} does not answer. Check the address in site.yaml and the network, then run the command again.",
                    name=t.name,
                    endpoint=t.endpoint_url or "Amazon S3",
                )
            ) from None
        except BotoCoreError as exc:
            raise SiteError(
                Msg(
                    "target '{name}': the storage could not be reached: {error}",
                    name=t.name,
                    error=str(exc),
                )
            ) from None

    # --- reading -----------------------------------------------------------------------
    def check(self) -> None:
        """The bucket exists and the credentials may read it (nothing is written)."""
        with self.errors():
            self.client.head_bucket(Bucket=self.name)

    def listing(self) -> dict[str, Remote]:
        """Every object below the prefix except the tool's own."""
        found: dict[str, Remote] = {}
        own = self.prefix + MANIFEST_DIR
        with self.errors():
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.name, Prefix=self.prefix
            )
            for page in pages:
                for obj in page.get("Contents", []):
                    key = obj["Key"]
                    if not key.startswith(own):
                        found[key] = Remote(key, obj["ETag"].strip('"'), int(obj["Size"]))
        return found

    def read_json(self, name: str) -> Any:
        """One of the tool's own objects, or None when absent or unreadable."""
        with self.errors():
            try:
                body = self.client.get_object(Bucket=self.name, Key=self._own(name))["Body"]
            except self.client.exceptions.NoSuchKey:
                return None
            data = body.read()
        try:
            return json.loads(data)
        except ValueError:
            return None

    # --- writing -----------------------------------------------------------------------
    def write_json(self, name: str, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        with self.errors():
            self.client.put_object(
                Bucket=self.name,
                Key=self._own(name),
                Body=body,
                ContentType="application/json; charset=utf-8",
                CacheControl="no-store",
            )

    def delete_own(self, name: str) -> None:
        with self.errors():
            self.client.delete_object(Bucket=self.name, Key=self._own(name))

    def put(self, f: LocalFile) -> None:
        body = f.path.read_bytes()
        extra: dict[str, str] = {}
        if f.encoding:
            extra["ContentEncoding"] = f.encoding
        with self.errors():
            self.client.put_object(
                Bucket=self.name,
                Key=f.key,
                Body=body,
                ContentType=f.content_type,
                CacheControl=f.cache_control,
                ContentMD5=base64.b64encode(bytes.fromhex(f.md5)).decode("ascii"),
                **extra,
            )

    def delete(self, keys: list[str]) -> None:
        with self.errors():
            for start in range(0, len(keys), 1000):
                batch = keys[start : start + 1000]
                answer = self.client.delete_objects(
                    Bucket=self.name,
                    Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True},
                )
                failed = answer.get("Errors") or []
                if failed:
                    raise SiteError(
                        Msg(
                            "target '{name}': the storage did not delete {n} file(s), e.g. {key}: {error}",
                            name=self.target.name,
                            n=len(failed),
                            key=failed[0].get("Key", ""),
                            error=failed[0].get("Message", failed[0].get("Code", "")),
                        )
                    )

    def _own(self, name: str) -> str:
        return self.prefix + MANIFEST_DIR + name


def workers() -> int:
    """Parallel uploads: SITE_BUILDER_UPLOADS, default 8 (network-bound, not CPU)."""
    try:
        return max(1, min(32, int(os.environ.get("SITE_BUILDER_UPLOADS", "8"))))
    except ValueError:
        return 8
