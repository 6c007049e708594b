"""CSV/JSON import and export of status reasons, per account, through the services."""

from import_export import fields, widgets

from core.resources import BooleanWidget, ServiceResource
from core.text import name_key
from reasons import services
from reasons.models import Account, StatusReason
from reasons.selectors import account_list_for


class AccountWidget(widgets.ForeignKeyWidget):
    """An account by its id, among those the importing manager belongs to."""

    def __init__(self):
        super().__init__(Account, "pk")
        self.accounts = Account.objects.all()

    def get_queryset(self, value, row, *args, **kwargs):
        return self.accounts

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Account.DoesNotExist:
            raise ValueError(f"Unknown account {value!r}") from None


class StatusReasonResource(ServiceResource):
    """Columns `account`, `text`, `state`, `enabled`, `order`; a row updates the live
    reason of the same account and text (name_key). Each row is one revision."""

    id = fields.Field(
        attribute="id", column_name="id", readonly=True, widget=widgets.IntegerWidget()
    )
    account = fields.Field(attribute="account", column_name="account", widget=AccountWidget())
    deleted = fields.Field(
        attribute="deleted", column_name="deleted", readonly=True, widget=BooleanWidget()
    )

    class Meta(ServiceResource.Meta):
        model = StatusReason
        fields = ["id", "account", "text", "state", "enabled", "order", "deleted"]
        import_id_fields = ["account", "text"]
        # The services check each row against the model's rules (an empty `enabled` is
        # true, an empty `order` puts a new reason first), so the instance is not cleaned.
        clean_model_instances = False

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        if user is not None:
            self.fields["account"].widget.accounts = account_list_for(user=user)

    def get_instance(self, instance_loader, row):
        account, text = row.get("account"), row.get("text")
        if not account or not isinstance(text, str):
            return None
        return StatusReason.objects.filter(
            account_id=account, text_key=name_key(text), deleted=False
        ).first()

    def save_through_service(self, instance, is_create):
        fields = services.ReasonFields(
            text=instance.text or "",
            state=instance.state or "",
            enabled=True if instance.enabled is None else instance.enabled,
            order=instance.order,
        )
        if is_create:
            written = services.reason_create(account=instance.account, fields=fields)
            instance.pk = written.reasons[0].pk
        else:
            services.reason_update(account=instance.account, reason_id=instance.pk, fields=fields)
