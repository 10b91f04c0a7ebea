from shared.money import cents


def lambda_handler(event, context):
    return cents(event["amount"])
