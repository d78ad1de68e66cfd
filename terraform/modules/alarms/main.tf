# Alarms page one SNS topic: a message in any dead-letter queue, any structured alert line
# (reconciliation drift), a 5xx rate above the threshold, and any job function error.

locals {
  namespace = "fleeex/${var.name}"
  # The jobs log one JSON line per event; alerts carry `"alert": true` and drift is the message
  # `reconciliation_drift` (ledger/src/jobs/log.ts, reconciliation.ts).
  drift_message = "reconciliation_drift"
  log_metrics = {
    AlertLines          = "{ $.alert IS TRUE }"
    ReconciliationDrift = "{ ($.alert IS TRUE) && ($.msg = \"${local.drift_message}\") }"
  }
  log_metric_filters = {
    for pair in setproduct(var.alert_log_group_names, keys(local.log_metrics)) :
    "${pair[0]}|${pair[1]}" => { log_group_name = pair[0], metric = pair[1] }
  }
}

resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.alarm_emails)
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  for_each            = toset(var.dead_letter_queue_names)
  alarm_name          = "${each.key}-not-empty"
  alarm_description   = "Messages reached ${each.key}: a consumer failed them repeatedly. Inspect, fix, then redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.key }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_log_metric_filter" "job_logs" {
  for_each       = local.log_metric_filters
  name           = "${var.name}-${each.value.metric}"
  log_group_name = each.value.log_group_name
  pattern        = local.log_metrics[each.value.metric]

  metric_transformation {
    name          = each.value.metric
    namespace     = local.namespace
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "reconciliation_drift" {
  alarm_name          = "${var.name}-reconciliation-drift"
  alarm_description   = "Reconciliation found a balance or a rollup that disagrees with the entries. See GET /admin/reconciliation; drift is never fixed silently."
  namespace           = local.namespace
  metric_name         = "ReconciliationDrift"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
  depends_on          = [aws_cloudwatch_log_metric_filter.job_logs]
}

resource "aws_cloudwatch_metric_alarm" "job_alerts" {
  alarm_name          = "${var.name}-job-alerts"
  alarm_description   = "A job logged an alert line (drift, or a hold expiry that could not be released); read the jobs log group."
  namespace           = local.namespace
  metric_name         = "AlertLines"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
  depends_on          = [aws_cloudwatch_log_metric_filter.job_logs]
}

resource "aws_cloudwatch_metric_alarm" "target_5xx_rate" {
  for_each            = var.target_groups
  alarm_name          = "${var.name}-${each.key}-5xx-rate"
  alarm_description   = "More than ${var.error_rate_percent}% of ${each.key} requests answered 5xx over 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_rate_percent
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "5xx percent"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = { LoadBalancer = each.value.load_balancer, TargetGroup = each.value.target_group }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = { LoadBalancer = each.value.load_balancer, TargetGroup = each.value.target_group }
      stat        = "Sum"
      period      = 300
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "load_balancer_5xx" {
  for_each            = var.load_balancers
  alarm_name          = "${var.name}-${each.key}-elb-5xx"
  alarm_description   = "The load balancer itself answered 5xx (no healthy target, target timeout or reset)."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  dimensions          = { LoadBalancer = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each            = toset(var.lambda_function_names)
  alarm_name          = "${each.key}-errors"
  alarm_description   = "${each.key} failed whole invocations (not single messages reported as batch item failures)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.key }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}
