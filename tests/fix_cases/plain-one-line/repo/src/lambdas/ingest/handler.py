from src.lambdas.ingest.util import clean


def lambda_handler(event, context):
    return clean(event)
