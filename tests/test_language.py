"""The language of a page that does not declare one is identified from its text."""

from __future__ import annotations

import pytest

from newsclean.language import identify_language

TEXTS = {
    "en": "The city council approved the new budget for next year after a long debate about public transport.",
    "de": "Der Stadtrat hat nach einer langen Debatte über den Nahverkehr den Haushalt für das nächste Jahr beschlossen.",
    "fr": "Le conseil municipal a adopté le budget de l'année prochaine après un long débat sur les transports publics.",
    "he": "מועצת העיר אישרה את התקציב לשנה הבאה לאחר ויכוח ארוך על התחבורה הציבורית בעיר.",
    "zh": "市議會在經過關於公共交通的長時間辯論後，批准了明年的新預算，並決定增加公車路線。",
    "ru": "Городской совет утвердил бюджет на следующий год после долгого обсуждения общественного транспорта.",
}


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_the_language_of_a_text_is_its_iso_639_1_code(language: str) -> None:
    assert identify_language(TEXTS[language]) == language


def test_text_with_control_characters_from_mojibake_is_still_identified() -> None:
    mojibake = TEXTS["en"].replace(" a ", " \u00e2\u0080\u0094 ").replace("about", "ab\x01out\ud800")
    assert identify_language(mojibake) == "en"


@pytest.mark.parametrize("text", ["", "2024 2025 2026 - 12:30", "\u00a9"])
def test_no_language_is_given_for_text_without_words(text: str) -> None:
    assert identify_language(text) is None
