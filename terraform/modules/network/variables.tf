variable "name" {
  description = "Name prefix for every network resource, e.g. \"fleeex-prod\"."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC; split into one public and one private /20 per availability zone."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zone_count" {
  description = "How many availability zones to spread subnets (and NAT gateways) over. At least 2: the load balancers require it."
  type        = number
  default     = 2

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 4
    error_message = "availability_zone_count must be between 2 and 4."
  }
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway instead of one per zone: cheaper, but an AZ outage cuts private subnets in the other zones off from Bedrock, SQS and Secrets Manager."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
