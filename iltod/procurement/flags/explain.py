"""What each red flag means, and why it may be innocent, in Mongolian and English.

A red flag is a reason to look closer, not proof of wrongdoing: every explanation says what the
pattern can hide and what ordinary reasons produce it too.
"""

from django.utils import translation
from django.utils.translation import gettext_noop

from .settings import INDICATORS

TITLES = {
    "R003": gettext_noop("Short submission period"),
    "R018": gettext_noop("Single bid received"),
    "R024": gettext_noop("Price close to winning bid"),
    "R025": gettext_noop("Excessive unsuccessful bids"),
    "R028": gettext_noop("Identical bid prices"),
    "R030": gettext_noop("Late bid won"),
    "R035": gettext_noop("All except winning bid disqualified"),
    "R036": gettext_noop("Lowest bid disqualified"),
    "R038": gettext_noop("Excessive disqualified bids"),
    "R048": gettext_noop("Heterogeneous supplier"),
    "R058": gettext_noop("Heavily discounted bid"),
}

MEANINGS = {
    "R003": gettext_noop(
        "The time for submitting bids was shorter than the minimum in the settings (15 days unless set otherwise). "
        "Bidders who learned of the tender late had little time to prepare, which can favour a bidder told in advance."
    ),
    "R018": gettext_noop(
        "Only one tenderer bid in an open or restricted tender. A lack of competition can mean that competition "
        "was suppressed, for example by tailored specifications or a tender that was hard to find."
    ),
    "R024": gettext_noop(
        "The second-lowest valid bid was unusually close to the winning bid, compared with other tenders. "
        "Bidders who collude sometimes place cover bids just above the agreed winner."
    ),
    "R025": gettext_noop(
        "This tenderer bids very often but wins unusually rarely, compared with other tenderers. The pattern fits "
        "a company that places cover bids to make arranged tenders look competitive."
    ),
    "R028": gettext_noop(
        "Different tenderers submitted bids with exactly the same price. Identical prices can mean that the bidders "
        "agreed on prices, or that one person prepared several bids."
    ),
    "R030": gettext_noop(
        "A bid received after the submission deadline was accepted and won. Accepting a late bid can let one "
        "bidder see the other offers first."
    ),
    "R035": gettext_noop(
        "Every bid was disqualified except those of the one tenderer who won. A buyer can steer a contract to a "
        "chosen bidder by disqualifying the others."
    ),
    "R036": gettext_noop(
        "The lowest bid was disqualified in a tender decided on price, while valid bids remained. A buyer can "
        "favour a more expensive bidder this way."
    ),
    "R038": gettext_noop(
        "An unusually high share of bids was disqualified, compared with peers: for a buyer or procuring entity, "
        "of the bids it received; for a tenderer, of the bids it submitted. Disqualification can be used to "
        "exclude competitors, and weak bids can be submitted on purpose to fake competition."
    ),
    "R048": gettext_noop(
        "This supplier was awarded items of unusually many different kinds, compared with other regular suppliers. "
        "A company that supplies everything may be an intermediary without its own capacity, which raises prices "
        "or lowers quality."
    ),
    "R058": gettext_noop(
        "The winning bid was unusually far below the second-lowest valid bid, compared with other tenders. "
        "A very low price can mean that the winner will cut quality or ask for more money later."
    ),
}

INNOCENT = {
    "R003": gettext_noop(
        "Urgent needs (an outbreak, a boiler that fails in winter), small repeated purchases and methods that the "
        "law allows to be quick can all justify a short period. Check the method and the legal minimum."
    ),
    "R018": gettext_noop(
        "Specialised goods with few suppliers, remote soums where few companies work, and small contracts often "
        "draw a single bid without anyone doing wrong."
    ),
    "R024": gettext_noop(
        "For standard goods with known prices (fuel, medicines with set prices) honest bids can be very close. "
        "A small difference alone proves nothing."
    ),
    "R025": gettext_noop(
        "A new or growing company may bid often and lose often while it learns the market, and some companies "
        "bid widely on purpose."
    ),
    "R028": gettext_noop(
        "Where prices follow a price list, a regulation or the buyer's estimate, or for simple goods with round "
        "prices, identical bids can happen by chance."
    ),
    "R030": gettext_noop(
        "The deadline may have been extended without the data being updated, or the time recorded for the bid may "
        "be wrong (a time zone, a typing error)."
    ),
    "R035": gettext_noop(
        "The other bids may truly have failed the requirements: missing documents, an expired licence or a price "
        "above the budget."
    ),
    "R036": gettext_noop(
        "The lowest bidder may have lacked required documents, offered goods that do not meet the specification, "
        "or offered an abnormally low price it could not honour."
    ),
    "R038": gettext_noop(
        "Complex technical tenders, inexperienced local bidders and strict but fair requirements all raise the "
        "share of disqualified bids."
    ),
    "R048": gettext_noop(
        "General traders and wholesalers in aimag centres honestly supply many kinds of goods, especially where "
        "few specialised companies exist."
    ),
    "R058": gettext_noop(
        "An efficient company, a special discount or surplus stock can make a bid honestly much cheaper, and the "
        "other bids may simply have been too high."
    ),
}


def explain(code: str, language: str = "mn") -> tuple[str, str]:
    """(What the flag means, why it may be innocent) in ``language`` ("mn" or "en")."""
    if code not in INDICATORS:
        raise KeyError(code)
    with translation.override(language):
        return translation.gettext(MEANINGS[code]), translation.gettext(INNOCENT[code])


def title(code: str, language: str | None = None) -> str:
    """The flag's short name, in ``language`` or the active language."""
    if code not in INDICATORS:
        raise KeyError(code)
    if language is None:
        return translation.gettext(TITLES[code])
    with translation.override(language):
        return translation.gettext(TITLES[code])
