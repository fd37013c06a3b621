"""Number formats for Mongolian pages, which Django's own Mongolian locale leaves out (so amounts
showed as 265680000 ₮): digits grouped in threes with a comma and a point before the decimals, as
the Unicode CLDR gives them for Mongolian and as Mongolian budgets and tenders print them. Dates
keep Django's Mongolian formats. Grouping applies where a template asks for it (``intcomma``,
``floatformat:"0g"``); forms read numbers as before (``USE_THOUSAND_SEPARATOR`` stays off)."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
