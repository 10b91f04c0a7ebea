resource "aws_lambda_function" "ingest" {
  function_name = "ingest"
  filename      = "dist/ingest.zip"
  handler       = "handler.lambda_handler"
  runtime       = "python3.12"
}
resource "aws_lambda_function" "report" {
  function_name = "report"
  filename      = "dist/report.zip"
  handler       = "handler.lambda_handler"
  runtime       = "python3.12"
}
