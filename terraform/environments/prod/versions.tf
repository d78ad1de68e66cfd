terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
  }

  # State in S3 with native locking; bucket, key and region come from backend.hcl
  # (terraform init -backend-config=backend.hcl; see terraform/README.md, step 1).
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "fleeex"
      Environment = var.environment_name
      ManagedBy   = "terraform"
    }
  }
}
