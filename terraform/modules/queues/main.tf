# Two standard queues, each with its own dead-letter queue:
# - usage: every posted ledger entry (at least once; consumers are idempotent on event_id);
# - jobs: ticks from the EventBridge schedule that start reconciliation and hold expiry.
# Visibility timeout is six times the consumer's Lambda timeout, so a message is never redelivered
# while a slow invocation still holds it.

locals {
  dlq_retention_seconds   = 1209600 # 14 days, the SQS maximum: time to inspect and redrive
  queue_retention_seconds = 345600  # 4 days
  receive_wait_seconds    = 20      # long polling
}

resource "aws_sqs_queue" "usage_dlq" {
  name                      = "${var.name}-usage-dlq"
  message_retention_seconds = local.dlq_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "usage" {
  name                       = "${var.name}-usage"
  visibility_timeout_seconds = var.usage_consumer_timeout_seconds * 6
  message_retention_seconds  = local.queue_retention_seconds
  receive_wait_time_seconds  = local.receive_wait_seconds
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.usage_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "usage_dlq" {
  queue_url = aws_sqs_queue.usage_dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.usage.arn]
  })
}

resource "aws_sqs_queue" "jobs_dlq" {
  name                      = "${var.name}-jobs-dlq"
  message_retention_seconds = local.dlq_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "jobs" {
  name                       = "${var.name}-jobs"
  visibility_timeout_seconds = var.jobs_consumer_timeout_seconds * 6
  message_retention_seconds  = local.queue_retention_seconds
  receive_wait_time_seconds  = local.receive_wait_seconds
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.jobs_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "jobs_dlq" {
  queue_url = aws_sqs_queue.jobs_dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.jobs.arn]
  })
}
