"""DMS's own limits and the replication instance classes it offers: one place for each fact, with its source."""

from __future__ import annotations

MAX_FULL_LOAD_SUBTASKS = 49  # FullLoadSettings.MaxFullLoadSubTasks maximum
DEFAULT_FULL_LOAD_SUBTASKS = 8  # its DMS default
MAX_TASKS_PER_INSTANCE = 200  # DMS quota: tasks per replication instance
MAX_REPLICATION_INSTANCES = 60  # DMS quota: replication instances per account and region (AWS DMS User Guide, Quotas)
MAX_RANGE_COLUMNS = 10  # parallel-load "ranges" accepts at most 10 columns (this planner uses one)
MAX_STORAGE_GB = 6144  # AllocatedStorage maximum
DEFAULT_COMMIT_RATE = 10000  # FullLoadSettings.CommitRate default ("Full-load task settings")
MAX_COMMIT_RATE = 50000  # its maximum
DEFAULT_LOB_CHUNK_KB = 64  # TargetMetadata.LobChunkSize default: full LOB mode reads LOBs in pieces of this size
STREAM_BUFFER_COUNT = 3  # StreamBufferSettings.StreamBufferCount default ("Stream buffer task settings")
DEFAULT_STREAM_BUFFER_MB = 8  # StreamBufferSettings.StreamBufferSizeInMB default

# class -> (vCPU, memory GiB), from the AWS DMS User Guide "Choosing the right replication instance"
# (CHAP_ReplicationInstance.Types lists T2, T3, C4, C5, C6i, R4, R5 and R6i; same shapes as the EC2 types of the
# same name). Previous generations (t2, c4, r4) are left out on purpose. c7i/r7i are not listed by the stored guide,
# so they are not offered here; 32xlarge of c6i/r6i are the EC2 shapes, check your region with
# `aws dms describe-orderable-replication-instances`. The memory column sizes the LOB buffers
# (migration.planning.memory).
INSTANCE_CLASSES: dict[str, tuple[int, int]] = {
    "dms.t3.micro": (2, 1),
    "dms.t3.small": (2, 2),
    "dms.t3.medium": (2, 4),
    "dms.t3.large": (2, 8),
    "dms.c5.large": (2, 4),
    "dms.c5.xlarge": (4, 8),
    "dms.c5.2xlarge": (8, 16),
    "dms.c5.4xlarge": (16, 32),
    "dms.c5.9xlarge": (36, 72),
    "dms.c5.12xlarge": (48, 96),
    "dms.c5.18xlarge": (72, 144),
    "dms.c5.24xlarge": (96, 192),
    "dms.c6i.large": (2, 4),
    "dms.c6i.xlarge": (4, 8),
    "dms.c6i.2xlarge": (8, 16),
    "dms.c6i.4xlarge": (16, 32),
    "dms.c6i.8xlarge": (32, 64),
    "dms.c6i.12xlarge": (48, 96),
    "dms.c6i.16xlarge": (64, 128),
    "dms.c6i.24xlarge": (96, 192),
    "dms.c6i.32xlarge": (128, 256),
    "dms.r5.large": (2, 16),
    "dms.r5.xlarge": (4, 32),
    "dms.r5.2xlarge": (8, 64),
    "dms.r5.4xlarge": (16, 128),
    "dms.r5.8xlarge": (32, 256),
    "dms.r5.12xlarge": (48, 384),
    "dms.r5.16xlarge": (64, 512),
    "dms.r5.24xlarge": (96, 768),
    "dms.r6i.large": (2, 16),
    "dms.r6i.xlarge": (4, 32),
    "dms.r6i.2xlarge": (8, 64),
    "dms.r6i.4xlarge": (16, 128),
    "dms.r6i.8xlarge": (32, 256),
    "dms.r6i.12xlarge": (48, 384),
    "dms.r6i.16xlarge": (64, 512),
    "dms.r6i.24xlarge": (96, 768),
    "dms.r6i.32xlarge": (128, 1024),
}
