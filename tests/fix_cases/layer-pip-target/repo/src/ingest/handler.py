import httpx


def handler(event, context):
    return httpx.get(event["url"], timeout=5).status_code
