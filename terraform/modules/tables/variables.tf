variable "name_prefix" {
  description = "Physical table names are this prefix followed by the logical name; the services read the same value from FLEEEX_TABLE_PREFIX."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse DeleteTable on the money tables. Turn off only to tear an environment down on purpose."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every table."
  type        = map(string)
  default     = {}
}
