"""What DMS premigration assessments need: a results bucket and the role DMS assumes to write into it.

The DMS guide ("Creating IAM resources for premigration assessments") asks for an S3 bucket and an IAM role that
trusts dms.amazonaws.com with s3:PutObject, s3:DeleteObject, s3:GetObject and s3:PutObjectTagging on the bucket's
objects, and s3:ListBucket and s3:GetBucketLocation on the bucket. The role gets exactly that, on this bucket only.
The bucket blocks public access, encrypts at rest with S3-managed keys (so the role needs no KMS grant), refuses
plain HTTP, and expires results after `expire_days`. Both names are known before they exist (the bucket's from the
stack prefix and the account id, `AssessmentConfig.bucket_name`), so `assess` finds them without the stack outputs. DMS Serverless stores its assessment results in a
DMS-managed bucket ("AWS DMS Serverless premigration") and needs neither.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from migration.components.iam_roles import DMS_TRUST_POLICY
from migration.components.options import Children, own_options

OBJECT_ACTIONS = ("s3:PutObject", "s3:DeleteObject", "s3:GetObject", "s3:PutObjectTagging")
BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketLocation")


@dataclass
class AssessmentArgs:
    role_name: str  # AssessmentConfig.role_name(prefix)
    bucket_name: pulumi.Input[str]  # AssessmentConfig.bucket_name(prefix, account)
    expire_days: int = 90  # assessment.resultExpirationDays
    tags: dict[str, str] = field(default_factory=dict)


def role_policy(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": list(OBJECT_ACTIONS), "Resource": f"{bucket_arn}/*"},
                {"Effect": "Allow", "Action": list(BUCKET_ACTIONS), "Resource": bucket_arn},
            ],
        },
        sort_keys=True,
    )


def tls_only_policy(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyPlainHttp",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        },
        sort_keys=True,
    )


class AssessmentResources(pulumi.ComponentResource):
    """The results bucket and the DMS assessment role; outputs bucketName and roleArn (what `assess` needs)."""

    def __init__(self, name: str, args: AssessmentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("oracle2pg:dms:AssessmentResources", name, None, own_options(opts))
        children = Children.of(self, opts)
        child = children.opts(aws.s3.BucketPolicy)  # the bucket's settings and the role policy: no fixed ids
        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            tags=args.tags,
            opts=children.opts(aws.s3.Bucket),
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    )
                )
            ],
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-assessment-results",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.expire_days),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=1
                    ),
                )
            ],
            opts=child,
        )
        aws.s3.BucketPolicy(f"{name}-tls-only", bucket=bucket.id, policy=bucket.arn.apply(tls_only_policy), opts=child)
        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            assume_role_policy=DMS_TRUST_POLICY,
            description="DMS writes premigration assessment results into one bucket",
            tags=args.tags,
            opts=children.opts(aws.iam.Role),  # a fixed name: replaced delete-first
        )
        aws.iam.RolePolicy(f"{name}-role-policy", role=role.id, policy=bucket.arn.apply(role_policy), opts=child)
        self.bucket_name: pulumi.Output[str] = bucket.bucket
        self.role_arn: pulumi.Output[str] = role.arn
        self.register_outputs({"bucketName": self.bucket_name, "roleArn": self.role_arn})
