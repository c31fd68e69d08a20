"""Burmese ships with the English: every catalogue is complete and compiled."""
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("*/locale/my/LC_MESSAGES/django.po")) + sorted(
    Path(settings.BASE_DIR).glob("locale/my/LC_MESSAGES/django.po")
)


def test_there_are_catalogues():
    assert any("helpdesk" in str(p) for p in CATALOGUES)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_string_is_translated_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in mo}
    stale = [e.msgid for e in po.translated_entries() if compiled.get((e.msgctxt, e.msgid)) != (e.msgstr or e.msgstr_plural)]
    assert stale == [], "run compilemessages"


def test_burmese_interface_strings():
    with translation.override("my"):
        assert translation.gettext("Log contact") == "ဆက်သွယ်မှု မှတ်တမ်းတင်ရန်"
        assert translation.gettext("This field is required.") == "ဤအကွက်ကို ဖြည့်ရန် လိုအပ်သည်။"


def test_our_burmese_wins_over_djangos_for_every_string_we_translate():
    """Django's own (older, thinner) Burmese must never replace ours, e.g. "Log in" as ဖွင့်ဝင်.

    Where two of our apps translate one English string differently, either of ours may show.
    """
    ours: dict[tuple, set[str]] = {}
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            if not entry.msgid_plural and "%(" not in entry.msgid:
                ours.setdefault((entry.msgctxt, entry.msgid), set()).add(entry.msgstr)
    with translation.override("my"):
        shown = {key: translation.pgettext(*key) if key[0] else translation.gettext(key[1]) for key in ours}
    assert [(key[1], text) for key, text in shown.items() if text not in ours[key]] == []
    assert len(ours) > 500
    with translation.override("my"):
        assert translation.gettext("Log in") == "ဝင်မည်" and translation.gettext("Log out") == "ထွက်မည်"
