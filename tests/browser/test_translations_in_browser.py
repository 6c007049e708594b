"""A manager translates a conversation status in a real browser: the inline's "Add another"
row, a refused label shown on its row, the history page listing the change, and axe on both
pages."""

from playwright.sync_api import expect

from statuses import services
from statuses.models import ConversationStatusTranslation
from statuses.services import TranslationFields
from tests.browser.axe_audit import audit, axe_installed
from tests.factories import ConversationStatusFactory

ADMIN = "/admin/statuses/conversationstatus/"


def test_a_manager_adds_a_translation_and_sees_it_in_the_history(login):
    status = ConversationStatusFactory(name="Escalated")
    rival = ConversationStatusFactory(name="Urgent")
    services.conversation_status_translations_set(
        status=rival, translations={"fr": TranslationFields(agent_label="Urgent !")}
    )
    page = login()
    page.goto(f"{ADMIN}{status.pk}/change/")
    page.click("#translations-group .add-row a")
    page.fill("#id_translations-0-locale", "FR")
    page.fill("#id_translations-0-agent_label", "URGENT !")
    page.click("input[name=_continue]")
    expect(page.locator("#translations-group .errorlist").first).to_contain_text(
        "Another conversation status already has this agent label in this locale."
    )
    assert not ConversationStatusTranslation.objects.filter(status=status).exists()

    page.fill("#id_translations-0-locale", "fr_CA")
    page.fill("#id_translations-0-agent_label", "Escaladé")
    page.fill("#id_translations-0-end_user_label", "Transmis")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    row = ConversationStatusTranslation.objects.get(status=status)
    assert (row.locale, row.agent_label, row.end_user_label) == ("fr-ca", "Escaladé", "Transmis")
    expect(page.locator("#id_translations-0-locale")).to_have_value("fr-ca")

    page.goto(f"{ADMIN}{status.pk}/history/")
    change = page.locator("#translation-history tr.translation-change")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("fr-ca")
    expect(change).to_contain_text("Escaladé")


def test_axe_on_the_translated_change_and_history_pages(audit_page, manager):
    axe_path = axe_installed()
    status = ConversationStatusFactory(name="Escalated")
    services.conversation_status_translations_set(
        status=status, translations={"fr": TranslationFields(agent_label="Escaladé")}
    )
    services.conversation_status_translations_set(
        status=status, translations={"fr": TranslationFields(agent_label="Transmis")}
    )
    audit_page.goto("/admin/login/")
    audit_page.fill("#id_username", "manager")
    audit_page.fill("#id_password", "manager-pass-123")
    audit_page.click("input[type=submit]")
    audit_page.wait_for_url("**/admin/")
    for name, path in [
        ("translated status", f"{ADMIN}{status.pk}/change/"),
        ("translated status history", f"{ADMIN}{status.pk}/history/"),
    ]:
        audit_page.goto(path)
        violations = audit(audit_page, name, axe_path)
        assert violations == [], f"axe on {name}:\n" + "\n".join(map(str, violations))
