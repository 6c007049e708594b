"""What OPTIONS answers on every API route."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request

from core.errors import DomainError


class PortalMetadata(SimpleMetadata):
    """DRF's OPTIONS reply, describing the write body of each method the caller may use.

    DRF's own version loads the object of a detail route to test object permissions,
    which fails on routes that name their id differently (a 500) and would answer
    questions about objects the caller has not asked for. The body a method accepts does
    not depend on the object, so no object is loaded here.
    """

    def determine_actions(self, request, view):
        actions = {}
        if getattr(view, "serializer_class", None) is None:
            return actions
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
            except (exceptions.APIException, PermissionDenied, Http404, DomainError):
                continue
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions
