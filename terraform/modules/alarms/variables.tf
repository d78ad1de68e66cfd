variable "name" {
  description = "Name prefix of the alarms, the SNS topic and the custom metric namespace."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses subscribed to the alarm topic (each must confirm the subscription mail)."
  type        = list(string)
  default     = []
}

variable "dead_letter_queue_names" {
  description = "Dead-letter queues that alarm as soon as one message lands in them."
  type        = list(string)
}

variable "alert_log_group_names" {
  description = "Log groups whose structured alert lines (JSON with alert: true, e.g. reconciliation drift) are counted and alarmed on."
  type        = list(string)
}

variable "target_groups" {
  description = "Load-balanced services whose 5xx rate is alarmed: key -> load balancer and target group ARN suffixes."
  type = map(object({
    load_balancer = string
    target_group  = string
  }))
}

variable "load_balancers" {
  description = "Load balancers whose own 5xx answers (no healthy target, timeouts) are alarmed: key -> ARN suffix."
  type        = map(string)
}

variable "lambda_function_names" {
  description = "Functions whose errors are alarmed."
  type        = list(string)
}

variable "error_rate_percent" {
  description = "5xx share of requests, in percent over 5 minutes, that raises an alarm."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
