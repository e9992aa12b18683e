# dms_task_arn TASK_ID: the ARN of the task's DMS Serverless replication config
dms_task_arn() {
  aws dms describe-replications --region "$REGION" --filters "Name=replication-config-id,Values=$1" \
    --query 'Replications[0].ReplicationConfigArn' --output text
}
# dms_status TASK_ID...: status, stop reason and full-load progress of the replications
dms_status() {
  aws dms describe-replications --region "$REGION" \
    --filters "Name=replication-config-id,Values=$(echo "$@" | tr ' ' ',')" \
    --query 'Replications[].[ReplicationConfigIdentifier,Status,ReplicationType,StopReason,ReplicationStats.FullLoadProgressPercent]' \
    --output table
}
# dms_table_stats TASK_ID: state, rows and validation of each table of the replication
dms_table_stats() {
  aws dms describe-replication-table-statistics --region "$REGION" \
    --replication-config-arn "$(dms_task_arn "$1")" \
    --query 'ReplicationTableStatistics[].[SchemaName,TableName,TableState,FullLoadRows,Inserts,Updates,Deletes,ValidationState,ValidationFailedRecords,ValidationPendingRecords]' \
    --output table
}
# dms_reload TASK_ID SCHEMA TABLE OPTION: revalidate (validate-only) or reload from Oracle (data-reload) one table
dms_reload() {
  aws dms reload-replication-tables --region "$REGION" --replication-config-arn "$(dms_task_arn "$1")" \
    --tables-to-reload "SchemaName=$2,TableName=$3" --reload-option "$4"
}
# dms_wait_paused TASK_ID...: poll until every replication has stopped after its full load, before applying its
# cached changes (StopReason STOPPED_AFTER_FULL_LOAD)
dms_wait_paused() {
  until [ "$(aws dms describe-replications --region "$REGION" \
    --filters "Name=replication-config-id,Values=$(echo "$@" | tr ' ' ',')" \
    --query "length(Replications[?Status=='stopped' && contains(StopReason || '', 'STOPPED_AFTER_FULL_LOAD')])" \
    --output text)" = "$#" ]; do sleep 60; done
}
# dms_wait_stopped TASK_ID: poll until the replication is stopped
dms_wait_stopped() {
  until [ "$(aws dms describe-replications --region "$REGION" --filters "Name=replication-config-id,Values=$1" \
    --query 'Replications[0].Status' --output text)" = stopped ]; do sleep 30; done
}
# dms_drain_to COMMIT_TIME TASK_ID...: stop each replication, resume it with a CDC stop position at COMMIT_TIME (UTC,
# from the freeze) and wait until each has applied every change committed up to it and stopped by itself
dms_drain_to() {
  _stop_at=$1
  shift
  for _t in "$@"; do
    aws dms stop-replication --region "$REGION" --replication-config-arn "$(dms_task_arn "$_t")" >/dev/null
    dms_wait_stopped "$_t"
    aws dms start-replication --region "$REGION" --replication-config-arn "$(dms_task_arn "$_t")" \
      --start-replication-type resume-processing --cdc-stop-position "commit_time:$_stop_at" >/dev/null
  done
  for _t in "$@"; do dms_wait_stopped "$_t"; done
}
