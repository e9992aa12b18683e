"""`network:` where the replication instance lives and which database addresses it may reach."""

from __future__ import annotations

import ipaddress

from pydantic import Field, field_validator, model_validator

from migration._model import StrictModel
from migration.config.patterns import SG_ID_RE, SUBNET_ID_RE, VPC_ID_RE, check_distinct, check_pattern


class NetworkConfig(StrictModel):
    """Where the replication instance lives and which database addresses it may reach."""

    vpc_id: str = Field(description="The VPC of the replication instance (vpc-...).")
    subnet_ids: list[str] = Field(
        min_length=2,
        description="Distinct subnet ids for the DMS replication subnet group; DMS needs subnets in at least two AZs.",
    )
    database_cidrs: list[str] = Field(
        default_factory=list,
        description="CIDR blocks of the databases the instance's security group may reach (network address, no "
        "host bits; 0.0.0.0/0 is refused). This or databaseSecurityGroupIds is required.",
    )
    database_security_group_ids: list[str] = Field(
        default_factory=list,
        description="Security groups of the databases the instance's security group may reach (sg-...). This or "
        "databaseCidrs is required.",
    )
    extra_security_group_ids: list[str] = Field(
        default_factory=list, description="More security groups (sg-...) attached to the replication instance."
    )

    @field_validator("vpc_id")
    @classmethod
    def _vpc(cls, v: str) -> str:
        return check_pattern(v, VPC_ID_RE, "must be a VPC id like vpc-0a1b2c3d4e5f60718")

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, v: list[str]) -> list[str]:
        return check_distinct(
            v,
            SUBNET_ID_RE,
            "must be subnet ids like subnet-0a1b2c3d4e5f60718",
            "subnet ids must be distinct (DMS needs subnets in at least two AZs)",
        )

    @field_validator("database_cidrs")
    @classmethod
    def _cidrs(cls, v: list[str]) -> list[str]:
        out = []
        for c in v:
            if not isinstance(c, str) or "/" not in c:
                raise ValueError(f"must be CIDR blocks with a prefix length like 10.20.0.0/16, got {c!r}")
            try:
                net = ipaddress.ip_network(c, strict=True)
            except ValueError:
                try:  # the usual slip: an address inside the network instead of the network itself
                    loose = ipaddress.ip_network(c, strict=False)
                except ValueError:
                    raise ValueError(f"must be CIDR blocks like 10.20.0.0/16, got {c!r}") from None
                raise ValueError(f"{c} has host bits set; did you mean {loose}?") from None
            if net.prefixlen == 0:
                raise ValueError(f"{c} opens the databases' ports to the whole internet; name the database subnets")
            out.append(str(net))
        return out

    @field_validator("database_security_group_ids", "extra_security_group_ids")
    @classmethod
    def _sgs(cls, v: list[str]) -> list[str]:
        for s in v:
            check_pattern(s, SG_ID_RE, "must be security group ids like sg-0a1b2c3d4e5f60718")
        return v

    @model_validator(mode="after")
    def _reachable(self) -> NetworkConfig:
        if not self.database_cidrs and not self.database_security_group_ids:
            raise ValueError(
                "set databaseCidrs or databaseSecurityGroupIds: the replication instance must be "
                "allowed to reach the databases"
            )
        return self
