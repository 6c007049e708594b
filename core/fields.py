"""Serializer fields shared by the API surfaces."""

from rest_framework.fields import empty

from core.text import name_key


class VisibleNameMixin:
    """For a CharField holding a unique name: nothing visible in it (an empty name_key,
    such as only zero-width spaces) fails as `blank`, like an empty string."""

    def run_validation(self, data=empty):
        if isinstance(data, str) and not name_key(data):
            self.fail("blank")
        return super().run_validation(data)
