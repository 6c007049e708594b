"""CSV/JSON import and export of status reasons, per account, through the services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.resources import BooleanWidget, ServiceResource, instance_by_id
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
    """Columns `id` (optional), `account`, `text`, `state`, `enabled`, `order`; a row with
    an id updates that reason (a new text renames it), one without updates the live
    reason of the same account and text (name_key), or makes a new one. An id of a reason
    in an account the manager is not a member of is refused as unknown. Each row is one
    revision."""

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
        # Rows are matched in get_instance: by id, else by account and text.
        import_id_fields = ["id"]
        # The services check each row against the model's rules (an empty `enabled` is
        # true, an empty `order` puts a new reason first), so the instance is not cleaned.
        clean_model_instances = False

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        if user is not None:
            self.fields["account"].widget.accounts = account_list_for(user=user)

    def get_instance(self, instance_loader, row):
        accounts = self.fields["account"].widget.accounts
        reasons = StatusReason.objects.filter(account__in=accounts).select_related("account")
        by_id = instance_by_id(reasons, row, label=_("status reason"))
        if by_id is not None:
            given = row.get("account")
            if given not in (None, "") and str(given).strip() != by_id.account_id:
                raise ValidationError(
                    {
                        "account": _(
                            "reason %(id)s is in account %(account)s; a reason cannot "
                            "move to another account"
                        )
                        % {"id": by_id.pk, "account": by_id.account_id}
                    }
                )
            return by_id
        account, text = row.get("account"), row.get("text")
        if not account or not isinstance(text, str):
            return None
        return StatusReason.objects.filter(
            account_id=account, text_key=name_key(text), deleted=False
        ).first()

    def save_through_service(self, instance, is_create):
        if not is_create and instance.deleted:
            # An unchanged row of a deleted reason (an export lists them) is skipped before.
            raise ValidationError(
                _("reason %(id)s is deleted; restore it in the admin before changing it")
                % {"id": instance.pk}
            )
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
