"""Rocket.Chat's paging of lists: `offset` and `count`."""

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from statuses.rocketchat.serializers import MAX_OFFSET, PagingSerializer


class StatusPagination(LimitOffsetPagination):
    """`offset` and `count` (default 50, at most 100, 0 for all), replied as
    `{"statuses", "count", "offset", "total", "success"}` with `count` the page's size.

    The values are read with PagingSerializer: a bad one is a 400 `invalid-params`, where
    DRF's own paginator would quietly fall back to its default.
    """

    limit_query_param = "count"
    offset_query_param = "offset"
    default_limit = 50
    max_limit = 100
    template = None  # no page links in the browsable API: Rocket.Chat has none

    paging: dict = {}

    def paginate_queryset(self, queryset, request, view=None):
        # Read once per request; DRF's paginator then asks for the limit and the offset.
        serializer = PagingSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        self.paging = serializer.validated_data
        return super().paginate_queryset(queryset, request, view)

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
