"""File downloads: the content types we send and one way to attach a file to a response."""

from django.http import HttpResponse, StreamingHttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"


def attachment(content, filename: str, content_type: str, *, inline: bool = False):
    """A response that downloads `content` (bytes, text, or an iterator, which streams)."""
    if isinstance(content, (bytes, str)):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
