"""Rocket.Chat's paging of lists: `offset` and `count`."""

from django.db.models import Count, Window
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from statuses.rocketchat.serializers import MAX_OFFSET, PagingSerializer


class StatusPagination(LimitOffsetPagination):
    """`offset` and `count` (default 50, at most 100, 0 for all), replied as
    `{"statuses", "count", "offset", "total", "success"}` with `count` the page's size.

    The values are read with PagingSerializer (or passed in already read, as the list's
    own query serializer does): a bad one is a 400 `invalid-params`, where DRF's own
    paginator would quietly fall back to its default.
    """

    limit_query_param = "count"
    offset_query_param = "offset"
    default_limit = 50
    max_limit = 100
    template = None  # no page links in the browsable API: Rocket.Chat has none

    paging: dict = {}

    def paginate_queryset(self, queryset, request, view=None, *, paging=None):
        """One page of `queryset`, a `values_list` query (rows are tuples), and its total.

        The total comes with the page, from `COUNT(*) OVER ()` in the same query; only a
        page that is empty past offset 0 needs a second query (`count()`) for it.
        """
        if paging is None:
            serializer = PagingSerializer(data=request.query_params)
            serializer.is_valid(raise_exception=True)
            paging = serializer.validated_data
        self.request, self.paging = request, paging
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        end = self.offset + self.limit
        rows = list(queryset.annotate(_page_total=Window(Count("*")))[self.offset : end])
        if rows:
            self.count = rows[0][-1]
            return [row[:-1] for row in rows]
        self.count = queryset.count() if self.offset else 0
        return []

    def get_limit(self, request):
        count = self.paging.get("count", self.default_limit)
        if count == 0:
            # Rocket.Chat's `count=0`: every item from the offset on, in one page.
            return MAX_OFFSET
        return min(count, self.max_limit)

    def get_offset(self, request):
        return self.paging.get("offset", 0)

    def get_paginated_response(self, data):
        return Response(
            {
                "statuses": data,
                "count": len(data),
                "offset": self.offset,
                "total": self.count,
                "success": True,
            }
        )
