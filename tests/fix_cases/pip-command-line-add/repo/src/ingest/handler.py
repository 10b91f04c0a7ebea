import json

import httpx


def lambda_handler(event, context):
    response = httpx.get(event["url"], timeout=5)
    return {"statusCode": response.status_code, "body": json.dumps(response.json())}
