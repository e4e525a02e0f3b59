from bot.core.text import defuse_mentions, fold, terms, words


def test_fold_strips_accents_case_and_punctuation() -> None:
    assert fold("Bordyužha's  CSTO—Backbone!") == "bordyuzha csto backbone"
    assert fold("STRASSE Straße") == "strasse strasse"
    assert fold("   ") == ""


def test_terms_drop_stopwords_but_words_keep_them() -> None:
    assert words("When did NATO take command?") == ["when", "did", "nato", "take", "command"]
    assert terms("When did NATO take command?") == ["nato", "take", "command"]


def test_defuse_mentions_neutralises_every_mass_and_role_ping() -> None:
    text = defuse_mentions("hi @everyone and @Here <@&123> <!channel> <@456> <#789>")
    assert "@everyone" not in text
    assert "@Here" not in text
    for raw in ("<@&", "<!channel", "<@4", "<#7"):
        assert raw not in text
    assert "everyone" in text  # the words stay readable
    assert defuse_mentions("mail me at a@b.org") == "mail me at a@b.org"
