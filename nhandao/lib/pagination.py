"""The one pagination of the API: ninja's page numbers, bounded. An unbounded `page=` (say
10**30) overflowed the database's integer offset and answered 500; past MAX_PAGE the schema
refuses it (422, the frame's shape), like every other bad query parameter."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 500


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


# Years in query parameters (campaign lists, coverage): bounded so that a huge value is a
# 422, not an overflow in date arithmetic.
MIN_YEAR, MAX_YEAR = 1945, 2100

# Record ids in query filters: a database's bigint at most (beyond it SQLite overflows).
MAX_ID = 2**63 - 1
