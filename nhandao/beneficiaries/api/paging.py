"""Lists paged by ninja's paginator without loading more than the page."""


class Mapped:
    """Rows (a queryset or a list) turned into output by `fn` one page at a time: the
    paginator slices first, so only the page is loaded and converted."""

    def __init__(self, rows, fn):
        self.rows, self.fn = rows, fn

    def __len__(self):
        return self.rows.count() if hasattr(self.rows, "query") else len(self.rows)

    def __getitem__(self, item):
        return self.fn(list(self.rows[item]))


def each(fn):
    return lambda page: [fn(row) for row in page]
