# dms_task_arn TASK_ID: the replication task's ARN
dms_task_arn() {
  aws dms describe-replication-tasks --region "$REGION" --filters "Name=replication-task-id,Values=$1" \
    --query 'ReplicationTasks[0].ReplicationTaskArn' --output text
}
# dms_task_instance TASK_ID: the replication instance the task runs on, asked from DMS (with several
# instances each task is measured on its own one)
dms_task_instance() {
  _instance_arn=$(aws dms describe-replication-tasks --region "$REGION" \
    --filters "Name=replication-task-id,Values=$1" \
    --query 'ReplicationTasks[0].ReplicationInstanceArn' --output text)
  aws dms describe-replication-instances --region "$REGION" \
    --filters "Name=replication-instance-arn,Values=$_instance_arn" \
    --query 'ReplicationInstances[0].ReplicationInstanceIdentifier' --output text
}
# dms_metric METRIC TASK_ID: the last five 1-minute maxima of a task metric over the past 15 minutes
dms_metric() {
  _now=$(date -u +%s)
  printf '%s %s: ' "$2" "$1"
  aws cloudwatch get-metric-statistics --region "$REGION" --namespace AWS/DMS --metric-name "$1" \
    --dimensions "Name=ReplicationInstanceIdentifier,Value=$(dms_task_instance "$2")" \
      "Name=ReplicationTaskIdentifier,Value=$(dms_task_arn "$2" | awk -F: '{print $NF}')" \
    --start-time $((_now - 900)) --end-time "$_now" --period 60 --statistics Maximum \
    --query 'sort_by(Datapoints,&Timestamp)[-5:].Maximum' --output text
}
# dms_status TASK_ID...: status, stop reason and full-load progress of the tasks
dms_status() {
  aws dms describe-replication-tasks --region "$REGION" \
    --filters "Name=replication-task-id,Values=$(echo "$@" | tr ' ' ',')" \
    --query 'ReplicationTasks[].[ReplicationTaskIdentifier,Status,MigrationType,StopReason,ReplicationTaskStats.FullLoadProgressPercent]' \
    --output table
}
# dms_table_stats TASK_ID: state, rows and validation of each table of the task
dms_table_stats() {
  aws dms describe-table-statistics --region "$REGION" --replication-task-arn "$(dms_task_arn "$1")" \
    --query 'TableStatistics[].[SchemaName,TableName,TableState,FullLoadRows,Inserts,Updates,Deletes,ValidationState,ValidationFailedRecords,ValidationPendingRecords]' \
    --output table
}
# dms_reload TASK_ID SCHEMA TABLE OPTION: revalidate (validate-only) or reload from Oracle (data-reload) one table
dms_reload() {
  aws dms reload-tables --region "$REGION" --replication-task-arn "$(dms_task_arn "$1")" \
    --tables-to-reload "SchemaName=$2,TableName=$3" --reload-option "$4"
}
# dms_wait_paused TASK_ID...: poll until every task has stopped after its full load, before applying its cached
# changes (StopReason STOPPED_AFTER_FULL_LOAD)
dms_wait_paused() {
  until [ "$(aws dms describe-replication-tasks --region "$REGION" \
    --filters "Name=replication-task-id,Values=$(echo "$@" | tr ' ' ',')" \
    --query "length(ReplicationTasks[?Status=='stopped' && contains(StopReason || '', 'STOPPED_AFTER_FULL_LOAD')])" \
    --output text)" = "$#" ]; do sleep 60; done
}
# dms_wait_stopped TASK_ID [SECONDS]: poll every 30 s until the task is stopped; after SECONDS (default
# $DMS_WAIT_SECONDS, else 1800) name it on stderr and return 1 instead of waiting for ever
dms_wait_stopped() {
  _until=$(($(date -u +%s) + ${2:-${DMS_WAIT_SECONDS:-1800}}))
  until [ "$(aws dms describe-replication-tasks --region "$REGION" --filters "Name=replication-task-id,Values=$1" \
    --query 'ReplicationTasks[0].Status' --output text)" = stopped ]; do
    if [ "$(date -u +%s)" -ge "$_until" ]; then
      echo "$1: not stopped after ${2:-${DMS_WAIT_SECONDS:-1800}} s (runbook step 3 says what to do)" >&2
      return 1
    fi
    sleep 30
  done
}
# dms_drain_to COMMIT_TIME TASK_ID...: stop every task, resume each with a CDC stop position at COMMIT_TIME (UTC,
# from the freeze) and wait until each has applied every change committed up to it and stopped by itself; returns
# 1 naming the ones still running after DMS_WAIT_SECONDS (one budget for the stop, one for the drain), also kept
# in DRAIN_RUNNING (a task that does not stop when asked too: then none is resumed)
dms_drain_to() {
  _stop_at=$1
  _end=$(($(date -u +%s) + ${DMS_WAIT_SECONDS:-1800}))
  shift
  for _t in "$@"; do
    aws dms stop-replication-task --region "$REGION" --replication-task-arn "$(dms_task_arn "$_t")" >/dev/null
  done
  DRAIN_RUNNING=""
  for _t in "$@"; do dms_wait_stopped "$_t" $((_end - $(date -u +%s))) || DRAIN_RUNNING="$DRAIN_RUNNING $_t"; done
  if [ -n "$DRAIN_RUNNING" ]; then
    echo "did not stop when asked, none resumed with a stop position:$DRAIN_RUNNING" >&2
    return 1
  fi
  for _t in "$@"; do
    aws dms start-replication-task --region "$REGION" --replication-task-arn "$(dms_task_arn "$_t")" \
      --start-replication-task-type resume-processing --cdc-stop-position "commit_time:$_stop_at" >/dev/null
  done
  DRAIN_RUNNING=""
  _end=$(($(date -u +%s) + ${DMS_WAIT_SECONDS:-1800}))
  for _t in "$@"; do dms_wait_stopped "$_t" $((_end - $(date -u +%s))) || DRAIN_RUNNING="$DRAIN_RUNNING $_t"; done
  if [ -n "$DRAIN_RUNNING" ]; then
    echo "still running, not stopped at commit_time:$_stop_at:$DRAIN_RUNNING" >&2
    return 1
  fi
}
