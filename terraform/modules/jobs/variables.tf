variable "name" {
  description = "Name prefix of the functions, roles and schedules, e.g. \"fleeex-prod\"."
  type        = string
}

variable "bundle_dir" {
  description = "Directory holding one folder per function (index.mjs bundled by docker/bundle.mjs), zipped at plan time."
  type        = string
}

variable "timeout_seconds" {
  description = "Timeout of every job function; the queues' visibility timeouts are derived from it."
  type        = number
}

variable "memory_mib" {
  description = "Memory of every job function (CPU scales with it)."
  type        = number
  default     = 512
}

variable "environment" {
  description = "Environment variables of every job function (FLEEEX_TABLE_PREFIX, ...). AWS_REGION is set by Lambda itself and may not be set here."
  type        = map(string)
}

variable "ledger_table_arn" {
  description = "ARN of the ledger table."
  type        = string
}

variable "ledger_index_arns" {
  description = "ARNs of the ledger table's indexes."
  type        = list(string)
}

variable "rollups_table_arn" {
  description = "ARN of the rollups table."
  type        = string
}

variable "usage_queue_arn" {
  description = "ARN of the usage queue the rollups consumer reads."
  type        = string
}

variable "jobs_queue_arn" {
  description = "ARN of the jobs queue the schedules write to and the jobs consumer reads."
  type        = string
}

variable "usage_batch_size" {
  description = "Most usage events handed to one rollups invocation."
  type        = number
  default     = 10
}

variable "usage_max_concurrency" {
  description = "Most concurrent rollups invocations (the event source mapping's maximum concurrency, 2 to 1000)."
  type        = number
  default     = 8
}

variable "reconciliation_schedule" {
  description = "EventBridge Scheduler expression of the reconciliation run."
  type        = string
  default     = "rate(15 minutes)"
}

variable "hold_expiry_schedule" {
  description = "EventBridge Scheduler expression of the hold-expiry run."
  type        = string
  default     = "rate(1 minute)"
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the functions' logs."
  type        = number
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
