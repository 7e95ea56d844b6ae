"""How a supplier entry is read, once, for every figure: its product's key and its notice date.

The index build stores what these return beside each supplier (`suppliers.supplier_key`,
`product_key`, `notice_date`), and every figure groups by those columns (windows, hotspots,
reuse, and any ranking of suppliers), so one product named three ways is one row everywhere.

* `company_key`: a supplier's name compared as people mean it: Unicode-normalised, case
  folded, every run of punctuation or spaces one space, "&" read as "and", and a trailing
  company form ("Ltd", "Limited", "plc", "LLP") dropped, so `Acme Ltd`, `ACME Limited` and
  `acme.` are one supplier. A name that is only a company form is kept as it is.
* `product_key`: `<supplier key>|<product key>`, the product normalised the same way but
  keeping every word (a product named "Limited Edition" stays so); empty when no product is
  named, so a supplier named without a product is the solution "that supplier".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

# Trailing words naming a company's legal form, not the company: dropped from supplier names.
COMPANY_FORMS = ("ltd", "limited", "plc", "llp")

_SEPARATORS = re.compile(r"[\W_]+")


def words(text: str) -> list[str]:
    """`text` as the words it is compared by: case folded, punctuation dropped, `&` read as `and`."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    return [w for w in _SEPARATORS.split(folded) if w]


def company_key(name: str) -> str:
    """A supplier's name as compared: `Acme Ltd.` and `ACME limited` are both `acme`."""
    parts = words(name)
    while len(parts) > 1 and parts[-1] in COMPANY_FORMS:
        parts.pop()
    return " ".join(parts)


def product_key(supplier: str, product: str | None) -> str:
    """One key per supplier product: `<supplier>|<product>`, both normalised (see the module docstring)."""
    return f"{company_key(supplier)}|{' '.join(words(product or ''))}"


def product_label(supplier: str, product: str | None) -> str:
    """How a product is shown: `Supplier: Product` as written, or the supplier alone."""
    name, what = supplier.strip(), (product or "").strip()
    return f"{name}: {what}" if what else name


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier, when negative), or that month's last day when it is
    shorter (31 Aug + 6 = 28/29 Feb)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notice_date(contract_end: dt.date | None, notice_months: int | None) -> dt.date | None:
    """The last day to give notice: `notice_months` before the end, on the same day of the month
    (or that month's last day); none without both an end and a notice period."""
    if contract_end is None or notice_months is None:
        return None
    return add_months(contract_end, -notice_months)
