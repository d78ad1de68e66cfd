variable "name" {
  description = "Name prefix for the queues, e.g. \"fleeex-prod\"."
  type        = string
}

variable "usage_consumer_timeout_seconds" {
  description = "Timeout of the Lambda that consumes the usage queue; the queue's visibility timeout is six times this, as AWS advises for SQS event sources."
  type        = number
}

variable "jobs_consumer_timeout_seconds" {
  description = "Timeout of the Lambda that consumes the jobs queue (reconciliation, hold expiry); the visibility timeout is six times this."
  type        = number
}

variable "max_receive_count" {
  description = "Receives after which a message that keeps failing moves to the dead-letter queue, so one poison message never blocks the rest."
  type        = number
  default     = 5
}

variable "tags" {
  description = "Tags added to every queue."
  type        = map(string)
  default     = {}
}
