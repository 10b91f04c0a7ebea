resource "aws_lambda_function" "ingest" {
  function_name = "ingest"
  filename      = "../dist/ingest.zip"
  handler       = "handler.lambda_handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/ingest"
}
