output "ledger_table_name" {
  description = "Physical name of the ledger table."
  value       = aws_dynamodb_table.ledger.name
}

output "ledger_table_arn" {
  description = "ARN of the ledger table."
  value       = aws_dynamodb_table.ledger.arn
}

output "ledger_index_arns" {
  description = "ARNs of the ledger table's global secondary indexes (IAM needs them separately from the table)."
  value       = [for index in aws_dynamodb_table.ledger.global_secondary_index : "${aws_dynamodb_table.ledger.arn}/index/${index.name}"]
}

output "rollups_table_name" {
  description = "Physical name of the rollups table."
  value       = aws_dynamodb_table.rollups.name
}

output "rollups_table_arn" {
  description = "ARN of the rollups table."
  value       = aws_dynamodb_table.rollups.arn
}
