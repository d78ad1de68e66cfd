output "function_names" {
  description = "Lambda function names by job (rollups, jobs)."
  value       = { for key, fn in aws_lambda_function.this : key => fn.function_name }
}

output "log_group_names" {
  description = "CloudWatch log groups of the functions by job."
  value       = { for key, group in aws_cloudwatch_log_group.function : key => group.name }
}

output "function_entries" {
  description = "TypeScript entry module of each function (what docker/bundle.mjs bundles)."
  value       = { for key, fn in local.functions : key => fn.entry }
}
