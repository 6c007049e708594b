"""Read-only questions about statuses, asked by the services and the surfaces."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation.trans_real import parse_accept_lang_header

from core.text import name_key
from statuses.models import (
    CANONICAL_PRESENCE,
    ConversationStatus,
    ConversationStatusTranslation,
    StatusCategory,
    SystemPresence,
    UserStatus,
    normalise_locale,
)


def conversation_status_counts() -> dict[str, int]:
    """How many conversation statuses each status category has, every row counted (active
    or not, as the Zendesk limits count them); every category present, 0 when empty."""
    counts = dict(
        ConversationStatus.objects.order_by()
        .values_list("status_category")
        .annotate(n=Count("id"))
        .values_list("status_category", "n")
    )
    return {category: counts.get(category, 0) for category in StatusCategory.values}


def user_status_name_in_use(*, name: str, exclude_id: str | None = None) -> bool:
    """Whether a custom user status has this name, as compared by core.text.name_key
    (so whitespace around it, case and look-alikes do not count); `exclude_id` is the
    status being changed, whose own name is not taken by itself."""
    statuses = UserStatus.objects.filter(name_key=name_key(name))
    if exclude_id:
        statuses = statuses.exclude(pk=exclude_id)
    return statuses.exists()


def user_statuses_under_presence(presence: str) -> QuerySet[UserStatus]:
    """The custom user statuses shown under the system presence `presence` (their
    `presence`), active or not: those with it as their own, and those without one whose
    status type's canonical presence it is."""
    types = [status_type for status_type, shown in CANONICAL_PRESENCE.items() if shown == presence]
    return UserStatus.objects.filter(
        Q(system_presence=presence) | Q(system_presence__isnull=True, status_type__in=types)
    )


def user_status_presence_counts() -> dict[str, int]:
    """How many active custom user statuses each system presence has (as the limit of
    MAX_ACTIVE_PER_PRESENCE counts them: a status without a presence of its own under its
    type's canonical one); every presence present, 0 when empty."""
    counts = dict.fromkeys(SystemPresence.values, 0)
    rows = (
        UserStatus.objects.filter(active=True)
        .order_by()
        .values_list("system_presence", "status_type")
        .annotate(n=Count("id"))
    )
    for presence, status_type, n in rows:
        shown = presence or CANONICAL_PRESENCE.get(status_type)
        if shown in counts:
            counts[shown] += n
    return counts


def user_statuses_with_labels(
    statuses: QuerySet[UserStatus] | None = None,
) -> QuerySet[UserStatus]:
    """`statuses` (all when None) with their language labels fetched alongside: a list of
    any length costs one more query."""
    statuses = UserStatus.objects.all() if statuses is None else statuses
    return statuses.prefetch_related("translations")


def conversation_statuses_with_translations(
    statuses: QuerySet[ConversationStatus] | None = None,
) -> QuerySet[ConversationStatus]:
    """`statuses` (all when None) with their translations fetched alongside: a list of any
    length costs one more query, and conversation_status_translation asks no more."""
    statuses = ConversationStatus.objects.all() if statuses is None else statuses
    return statuses.prefetch_related("translations")


def conversation_status_translation(
    status_or_translations: ConversationStatus | Iterable[ConversationStatusTranslation],
    accept_language: str,
) -> ConversationStatusTranslation | None:
    """The status's translation that best matches an Accept-Language header, or None (the
    caller then shows the status's own texts).

    The header's language ranges are tried in order of preference (`q`; `q=0` means "not
    this one", `*` names no language): for each, the locale itself (`pt-br`), then the
    range cut back one subtag at a time (`zh-hant-tw`, `zh-hant`, `zh`: RFC 4647's lookup),
    then any other locale of its language (`pt` finds `pt-br`; the first by locale). A
    header Django cannot read matches nothing.

    Pass a status (its translations are read, from the prefetched set when it has one:
    conversation_statuses_with_translations) or its translations themselves.
    """
    translations = (
        status_or_translations.translations.all()
        if isinstance(status_or_translations, ConversationStatus)
        else status_or_translations
    )
    by_locale = {row.locale: row for row in translations}
    if not by_locale or not accept_language:
        return None
    for language, quality in parse_accept_lang_header(accept_language):
        if language == "*" or quality <= 0:
            continue
        wanted = normalise_locale(language)
        subtags = wanted.split("-")
        for end in range(len(subtags), 0, -1):
            found = by_locale.get("-".join(subtags[:end]))
            if found is not None:
                return found
        same_language = sorted(locale for locale in by_locale if locale.split("-")[0] == subtags[0])
        if same_language:
            return by_locale[same_language[0]]
    return None
