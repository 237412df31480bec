import pytest

from nlp.fees import find_fees


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("per 23 milioni di euro", 23_000_000),
        ("un'offerta da 23 mln", 23_000_000),
        ("23,5 milioni", 23_500_000),
        ("€25m", 25_000_000),
        ("25 million euros", 25_000_000),
        ("500mila euro", 500_000),
        ("€25,000,000", 25_000_000),
        ("a fee in the region of £40m", 46_800_000),
    ],
)
def test_amounts_in_euros(text: str, amount: float) -> None:
    (fee,) = find_fees(text)
    assert fee.amount_eur == pytest.approx(amount)
    assert fee.kind == "fee"


def test_bonus_is_kept_apart_from_the_base() -> None:
    (fee,) = find_fees("25 milioni più 5 di bonus")
    assert (fee.amount_eur, fee.bonus_eur) == (25_000_000, 5_000_000)
    (fee,) = find_fees("£40m plus £10m in add-ons")
    assert fee.amount_eur == pytest.approx(46_800_000)
    assert find_fees("20+5 milioni")[0].bonus_eur == 5_000_000


def test_pound_rate_is_a_parameter() -> None:
    assert find_fees("£10m", gbp_to_eur=1.2)[0].amount_eur == pytest.approx(12_000_000)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("un ingaggio da 3 milioni a stagione", "salary"),
        ("£200,000-a-week", "salary"),
        ("clausola rescissoria da 50 milioni", "clause"),
        ("valued at £60m", "valuation"),
        ("il Torino chiede 20 milioni", "asking"),
        ("l'intenzione è incassare una cifra intorno ai 23 milioni", "target"),
    ],
)
def test_amounts_that_are_not_plain_fees_are_tagged(text: str, kind: str) -> None:
    assert find_fees(text)[0].kind == kind


def test_years_and_small_numbers_are_not_money() -> None:
    assert find_fees("Nel 2024 ha segnato 3 gol in 12 presenze, €5 di biglietto") == []
