"""Page-number pagination: ``?page=2&page_size=50``; a page size above the maximum is capped,
a malformed number is a 400, a page past the end a 404."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination

MAX_PAGE_SIZE = 100


def _positive(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise exceptions.ValidationError({name: [_("Enter a whole number, 1 or more.")]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = _("This page does not exist.")

    def get_page_number(self, request, paginator):
        return _positive(request, self.page_query_param) or 1

    def get_page_size(self, request):
        size = _positive(request, self.page_size_query_param)
        return min(size, self.max_page_size) if size else self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = str(
                    _("Number of results per page (default %(default)s, at most %(max)s).")
                    % {"default": self.page_size, "max": self.max_page_size}
                )
        return parameters
