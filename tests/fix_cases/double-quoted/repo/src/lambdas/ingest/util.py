def clean(event):
    return event
