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
