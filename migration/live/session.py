"""boto3 clients for the stack's region, and AWS errors turned into one line each.

The standard credential chain and configuration apply (environment, profiles, SSO, instance roles;
`AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_DMS` are honoured by botocore itself). Retries use botocore's "standard"
mode, which backs off on throttling before an error reaches us.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

MESSAGE_MAX = 300  # AWS's own message, cut: an HTML error page from a proxy must not flood the one line
SERVER_ERROR = 500  # HTTP status from which an answer is a server error (5xx)
RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 5})

# Error codes AWS returns when a caller is throttled (botocore's standard retry mode retries these first).
THROTTLING_CODES = frozenset(
    {"Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException"}
)
NOT_FOUND_CODES = frozenset({"ResourceNotFoundFault", "ResourceNotFoundException"})
ACCESS_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
CREDENTIAL_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException"}
)


class LiveError(Exception):
    """One line for the user: no credentials, throttled, unreachable, a resource that is not there."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # credentials | throttled | unreachable | not-found | access | aws


@dataclass
class Clients:
    """The DMS, CloudWatch and STS clients of one region; tests pass stubbed clients in."""

    dms: Any
    cloudwatch: Any
    sts: Any = None  # only `assess` asks it (for the account the stack's assessment role and bucket are named in)


def clients(region: str, profile: str | None = None) -> Clients:
    try:
        session = boto3.session.Session(region_name=region, profile_name=profile)
    except ProfileNotFound as exc:
        raise LiveError(f"AWS profile {exc.kwargs.get('profile')!r} is not configured", "credentials") from None
    return Clients(
        dms=session.client("dms", config=RETRIES),
        cloudwatch=session.client("cloudwatch", config=RETRIES),
        sts=session.client("sts", config=RETRIES),
    )


def caller_account(sts: Any) -> tuple[str, str]:
    """(partition, account id) of the credentials in use, from sts:GetCallerIdentity (needs no permission)."""
    with aws_errors("read the AWS account (sts get-caller-identity)"):
        identity = sts.get_caller_identity()
    return str(identity["Arn"]).split(":")[1], str(identity["Account"])


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_not_found(exc: ClientError) -> bool:
    return error_code(exc) in NOT_FOUND_CODES


@contextmanager
def aws_errors(doing: str) -> Iterator[None]:
    """Turn botocore's exceptions into a LiveError naming what we were doing; decisions read exception types and
    error codes only."""
    try:
        yield
    except PartialCredentialsError as exc:
        raise LiveError(
            f"{doing}: incomplete AWS credentials: {exc.kwargs.get('cred_var')} is missing in "
            f"{exc.kwargs.get('provider')} (set both the access key id and the secret access key, or neither)",
            "credentials",
        ) from None
    except NoCredentialsError:
        raise LiveError(
            f"{doing}: no AWS credentials found (set AWS_PROFILE, or run `aws configure` / `aws sso login`)",
            "credentials",
        ) from None
    except NoRegionError:
        raise LiveError(f"{doing}: no AWS region", "credentials") from None
    except (EndpointConnectionError, ConnectionClosedError, ReadTimeoutError) as exc:
        raise LiveError(f"{doing}: AWS endpoint unreachable ({type(exc).__name__})", "unreachable") from None
    except ClientError as exc:
        code = error_code(exc)
        if code in THROTTLING_CODES:
            raise LiveError(f"{doing}: throttled by AWS ({code}) after retries; try again later", "throttled") from None
        if code in CREDENTIAL_CODES:
            raise LiveError(f"{doing}: the AWS credentials were refused ({code})", "credentials") from None
        if code in ACCESS_CODES:
            raise LiveError(f"{doing}: access denied ({code})", "access") from None
        if code in NOT_FOUND_CODES:
            raise LiveError(f"{doing}: not found ({code})", "not-found") from None
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if status >= SERVER_ERROR:  # a 5xx body is often a proxy's or load balancer's HTML page: not shown
            named = f", {code}" if code and code != str(status) else ""
            raise LiveError(f"{doing}: AWS server error (HTTP {status}{named}) after retries", "aws") from None
        message = " ".join(str(exc.response.get("Error", {}).get("Message", "")).split())[:MESSAGE_MAX]
        raise LiveError(f"{doing}: AWS error {code or type(exc).__name__}: {message}".rstrip(": "), "aws") from None
    except BotoCoreError as exc:
        raise LiveError(f"{doing}: {type(exc).__name__}", "aws") from None
