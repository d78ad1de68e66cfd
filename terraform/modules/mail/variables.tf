variable "name" {
  description = "Name prefix for the SES configuration set."
  type        = string
}

variable "domain" {
  description = "Domain the sign-in mail is sent from (an SES domain identity, DKIM-signed)."
  type        = string
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone that serves the domain; the DKIM records are written there."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
