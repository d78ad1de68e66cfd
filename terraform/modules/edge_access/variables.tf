variable "name" {
  description = "Name of the IAM user the edge gateway signs its Bedrock calls as."
  type        = string
}

variable "policy_json" {
  description = "IAM policy document of the edge gateway: Bedrock invoke on the listed models, nothing else."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
