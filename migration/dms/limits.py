"""DMS's own limits and the replication instance classes it offers: one place for each fact, with its source."""

from __future__ import annotations

MAX_FULL_LOAD_SUBTASKS = 49  # FullLoadSettings.MaxFullLoadSubTasks maximum
DEFAULT_FULL_LOAD_SUBTASKS = 8  # its DMS default
MAX_TASKS_PER_INSTANCE = 200  # DMS quota: tasks per replication instance
MAX_RANGE_COLUMNS = 10  # parallel-load "ranges" accepts at most 10 columns (this planner uses one)
MAX_STORAGE_GB = 6144  # AllocatedStorage maximum

# class -> (vCPU, memory GiB), from the AWS DMS User Guide "Choosing the right replication instance"
# (same shapes as the EC2 types of the same name). Previous generations (t2, c4, r4) are left out on purpose.
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
}
