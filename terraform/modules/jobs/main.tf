# Off the hot path: the rollups consumer reads the usage queue; the jobs consumer reads the jobs queue,
# which two EventBridge schedules feed (reconciliation, hold expiry). Both event source mappings report
# partial batch failures, so one bad message is retried (and dead-lettered after N receives) alone.

locals {
  # Function name -> the TypeScript module docker/bundle.mjs bundles into <bundle_dir>/<name>/index.mjs
  # and the export Lambda calls. Keep in step with ledger/src/jobs/.
  functions = {
    rollups = {
      entry   = "ledger/src/jobs/lambda-rollups.ts"
      handler = "index.handler"
    }
    jobs = {
      entry   = "ledger/src/jobs/lambda-jobs.ts"
      handler = "index.handler"
    }
  }

  # Message bodies the schedules put on the jobs queue; the jobs handler dispatches on `job`.
  scheduled_jobs = {
    reconciliation = {
      schedule = var.reconciliation_schedule
      body     = jsonencode({ job = "reconciliation" })
    }
    hold-expiry = {
      schedule = var.hold_expiry_schedule
      body     = jsonencode({ job = "hold_expiry" })
    }
  }

  sqs_consume_actions = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
}

data "archive_file" "function" {
  for_each    = local.functions
  type        = "zip"
  source_dir  = "${var.bundle_dir}/${each.key}"
  output_path = "${path.root}/.build/${each.key}.zip"
}

resource "aws_cloudwatch_log_group" "function" {
  for_each          = local.functions
  name              = "/aws/lambda/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each           = local.functions
  name               = "${var.name}-${each.key}-lambda"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
  tags               = var.tags
}

# Rollups: consume usage events, write counters and per-event markers to the rollups table only.
data "aws_iam_policy_document" "rollups" {
  statement {
    sid       = "ConsumeUsageQueue"
    actions   = local.sqs_consume_actions
    resources = [var.usage_queue_arn]
  }

  statement {
    sid       = "WriteRollups"
    actions   = ["dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
    resources = [var.rollups_table_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function["rollups"].arn}:*"]
  }
}

# Jobs: reconciliation reads the ledger and the rollups; hold expiry releases holds in the ledger (the
# same conditional writes as the ledger service, so a hold still resolves at most once).
data "aws_iam_policy_document" "jobs" {
  statement {
    sid       = "ConsumeJobsQueue"
    actions   = local.sqs_consume_actions
    resources = [var.jobs_queue_arn]
  }

  statement {
    sid       = "ReadLedger"
    actions   = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
    resources = concat([var.ledger_table_arn], var.ledger_index_arns)
  }

  statement {
    sid       = "ReleaseExpiredHolds"
    actions   = ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [var.ledger_table_arn]
  }

  statement {
    sid       = "ReadRollups"
    actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
    resources = [var.rollups_table_arn]
  }

  # Reconciliation records its runs, scan cursor and drift reports (RECON#, DRIFT items) in the rollups table.
  statement {
    sid       = "RecordReconciliation"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [var.rollups_table_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function["jobs"].arn}:*"]
  }
}

resource "aws_iam_role_policy" "rollups" {
  name   = "rollups"
  role   = aws_iam_role.function["rollups"].id
  policy = data.aws_iam_policy_document.rollups.json
}

resource "aws_iam_role_policy" "jobs" {
  name   = "jobs"
  role   = aws_iam_role.function["jobs"].id
  policy = data.aws_iam_policy_document.jobs.json
}

resource "aws_lambda_function" "this" {
  for_each         = local.functions
  function_name    = "${var.name}-${each.key}"
  role             = aws_iam_role.function[each.key].arn
  runtime          = "nodejs22.x"
  architectures    = ["arm64"]
  handler          = each.value.handler
  filename         = data.archive_file.function[each.key].output_path
  source_code_hash = data.archive_file.function[each.key].output_base64sha256
  timeout          = var.timeout_seconds
  memory_size      = var.memory_mib

  environment {
    variables = merge(var.environment, { NODE_OPTIONS = "--enable-source-maps" })
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.rollups, aws_iam_role_policy.jobs]
}

resource "aws_lambda_event_source_mapping" "rollups" {
  event_source_arn                   = var.usage_queue_arn
  function_name                      = aws_lambda_function.this["rollups"].arn
  batch_size                         = var.usage_batch_size
  maximum_batching_window_in_seconds = 1
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.usage_max_concurrency
  }
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn        = var.jobs_queue_arn
  function_name           = aws_lambda_function.this["jobs"].arn
  batch_size              = 1
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    # The minimum SQS allows; each run is bounded and idempotent, so two at once are safe.
    maximum_concurrency = 2
  }
}

# ---- schedules -------------------------------------------------------------------------------------

data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-jobs-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "SendJobTicks"
    actions   = ["sqs:SendMessage"]
    resources = [var.jobs_queue_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "send-job-ticks"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "job" {
  for_each                     = local.scheduled_jobs
  name                         = "${var.name}-${each.key}"
  schedule_expression          = each.value.schedule
  schedule_expression_timezone = "UTC"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.jobs_queue_arn
    role_arn = aws_iam_role.scheduler.arn
    input    = each.value.body

    retry_policy {
      maximum_event_age_in_seconds = 300
      maximum_retry_attempts       = 3
    }
  }
}
