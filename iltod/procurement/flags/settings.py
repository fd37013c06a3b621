"""Cardinal's settings file (INI): the same sections, keys, value types and defaults.

A settings file enables an indicator by naming its section (``[R024]``), even when the section has no
keys. Keys before the first section are global (``currency``, the price-comparison lists). Sections
of Cardinal's ``prepare`` command (``[defaults]``, ``[redactions]``, ``[corrections]``,
``[modifications]``, ``[codelists.bid_status]``, ``[codelists.award_status]``) are accepted, checked
and kept, so that a file written by ``ocdscardinal init`` reads unchanged; the red flags ignore them.

An unknown section or key, or a value of the wrong type, raises :class:`SettingsError` with a
translated message naming the line, as Cardinal refuses such a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import gettext as _

INDICATORS = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058")

# Value types: "str", "int" (a natural number, or any integer for R003), "float", "bool".
GLOBAL_KEYS = {
    "currency": "str",
    "no_price_comparison_procurement_methods": "str",
    "price_comparison_procurement_methods": "str",
}
INDICATOR_KEYS = {
    "R003": {"threshold": "int", "procurement_methods": "str"},
    "R018": {"procurement_methods": "str"},
    "R024": {"threshold": "float"},
    "R025": {"percentile": "nat", "threshold": "float"},
    "R028": {},
    "R030": {},
    "R035": {"threshold": "nat"},
    "R036": {},
    "R038": {"threshold": "float", "minimum_submitted_bids": "nat", "minimum_contracting_processes": "nat"},
    "R048": {"digits": "nat", "threshold": "nat", "minimum_contracting_processes": "nat"},
    "R058": {"threshold": "float"},
}
OTHER_SECTIONS = {
    "exclusions": {"procurement_method_details": "str"},
    "defaults": {
        "currency": "str",
        "item_classification_scheme": "str",
        "bid_status": "str",
        "award_status": "str",
        "party_roles": "bool",
    },
    "redactions": {"amount": "str", "organization_id": "str"},
    "corrections": {"award_status_by_contract_status": "bool"},
    "modifications": {
        "move_auctions": "bool",
        "prefix_buyer_or_procuring_entity_id": "str",
        "prefix_tenderer_or_supplier_id": "str",
        "split_procurement_method_details": "str",
    },
}
# Sections whose keys are free (data values), with the type of every value.
MAP_SECTIONS = {
    "R003.procurement_method_details": "int",
    "codelists.bid_status": "str",
    "codelists.award_status": "str",
}
PREPARE_SECTIONS = ("defaults", "redactions", "corrections", "modifications", "codelists.bid_status",
                    "codelists.award_status")  # fmt: skip

TRUE = {"true", "on", "yes", "1"}
FALSE = {"false", "off", "no", "0"}
INLINE_COMMENT = re.compile(r"\s[;#].*$")


class SettingsError(ValueError):
    """A settings file Cardinal would refuse: the message is translated and names the line."""


@dataclass
class Settings:
    """The red-flag settings. ``indicators`` maps each enabled code to its keys (only those set)."""

    currency: str | None = None
    no_price_comparison_procurement_methods: str | None = None
    price_comparison_procurement_methods: str | None = None
    exclusions: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, dict] = field(default_factory=dict)
    prepare: dict[str, dict] = field(default_factory=dict)

    # --- Construction ------------------------------------------------------------------------------

    @classmethod
    def all_enabled(cls) -> Settings:
        """Every indicator enabled with Cardinal's defaults (what ``ocdscardinal init`` writes)."""
        return cls(indicators={code: {} for code in INDICATORS})

    @classmethod
    def from_ini(cls, text: str) -> Settings:
        """Parse a settings file; raises :class:`SettingsError` on anything Cardinal would refuse."""
        settings = cls()
        section = ""  # "" is the global part before any section
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line[0] in ";#":
                continue
            if line.startswith("["):
                if not line.endswith("]"):
                    raise SettingsError(_("Line %(line)d: a section name must end with “]”.") % {"line": number})
                section = settings._open_section(line[1:-1].strip(), number)
                continue
            separator = "=" if "=" in line else ":" if ":" in line else None
            if separator is None:
                raise SettingsError(_("Line %(line)d: expected “name = value”.") % {"line": number})
            key, value = (part.strip() for part in line.split(separator, 1))
            value = INLINE_COMMENT.sub("", value).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            if not key:
                raise SettingsError(_("Line %(line)d: expected “name = value”.") % {"line": number})
            settings._set(section, key, value, number)
        return settings

    def _open_section(self, name: str, number: int) -> str:
        canonical = _canonical_section(name)
        if canonical is None:
            message = _("Line %(line)d: unknown section “[%(section)s]”.")
            raise SettingsError(message % {"line": number, "section": name})
        if canonical in INDICATOR_KEYS:
            self.indicators.setdefault(canonical, {})
        elif canonical == "R003.procurement_method_details":
            # As in Cardinal, the nested section alone enables R003.
            self.indicators.setdefault("R003", {}).setdefault("procurement_method_details", {})
        elif canonical in PREPARE_SECTIONS:
            self.prepare.setdefault(canonical, {})
        return canonical

    def _set(self, section: str, key: str, raw: str, number: int) -> None:
        if section in MAP_SECTIONS:
            value = _convert(raw, MAP_SECTIONS[section], key, number)
            if section == "R003.procurement_method_details":
                self.indicators["R003"]["procurement_method_details"][key] = value
            else:
                self.prepare[section][key] = value
            return
        keys = GLOBAL_KEYS if section == "" else INDICATOR_KEYS.get(section) or OTHER_SECTIONS.get(section, {})
        if key not in keys:
            if section:
                message = _("Line %(line)d: unknown key “%(key)s” in section “[%(section)s]”.")
            else:
                message = _("Line %(line)d: unknown key “%(key)s” before the first section.")
            raise SettingsError(message % {"line": number, "key": key, "section": section})
        value = _convert(raw, keys[key], key, number)
        if section == "":
            setattr(self, key, value)
        elif section == "exclusions":
            self.exclusions[key] = value
        elif section in INDICATOR_KEYS:
            self.indicators[section][key] = value
        else:
            self.prepare[section][key] = value

    # --- Writing -----------------------------------------------------------------------------------

    def to_ini(self) -> str:
        """The settings as Cardinal's INI file; ``from_ini(to_ini())`` gives equal settings."""
        lines = [f"{key} = {getattr(self, key)}" for key in GLOBAL_KEYS if getattr(self, key) is not None]
        if self.exclusions:
            lines += ["", "[exclusions]", *(f"{k} = {v}" for k, v in self.exclusions.items())]
        for section in PREPARE_SECTIONS:
            if section in self.prepare:
                lines += ["", f"[{section}]", *(f"{k} = {_ini_value(v)}" for k, v in self.prepare[section].items())]
        for code in INDICATORS:
            if code not in self.indicators:
                continue
            options = dict(self.indicators[code])
            details = options.pop("procurement_method_details", None)
            lines += ["", f"[{code}]", *(f"{k} = {_ini_value(v)}" for k, v in options.items())]
            if details is not None:
                lines += ["", "[R003.procurement_method_details]", *(f"{k} = {v}" for k, v in details.items())]
        return "\n".join(lines).lstrip("\n") + "\n"

    # --- Reading, for the engine -------------------------------------------------------------------

    def enabled(self, code: str) -> bool:
        return code in self.indicators

    def option(self, code: str, key: str, default=None):
        return self.indicators.get(code, {}).get(key, default)


def _canonical_section(name: str) -> str | None:
    upper = name.upper()
    if upper in INDICATOR_KEYS:
        return upper
    lower = name.lower()
    if lower == "r003.procurement_method_details":
        return "R003.procurement_method_details"
    if lower in OTHER_SECTIONS or lower in MAP_SECTIONS:
        return lower
    return None


def _convert(raw: str, kind: str, key: str, number: int):
    if kind == "str":
        return raw
    if kind == "bool":
        if raw.lower() in TRUE:
            return True
        if raw.lower() in FALSE:
            return False
        message = _("Line %(line)d: “%(key)s” must be true or false, not “%(value)s”.")
    elif kind == "float":
        try:
            value = float(raw)
        except ValueError:
            value = None
        if value is not None and raw.strip().lower() not in {"nan", "+nan", "-nan"}:
            return value
        message = _("Line %(line)d: “%(key)s” must be a decimal number, not “%(value)s”.")
    elif kind == "nat":
        if raw.isascii() and raw.isdigit():
            return int(raw)
        message = _("Line %(line)d: “%(key)s” must be a whole number (0, 1, 2, …), not “%(value)s”.")
    else:  # "int"
        if re.fullmatch(r"[+-]?[0-9]+", raw):
            return int(raw)
        message = _("Line %(line)d: “%(key)s” must be a whole number, not “%(value)s”.")
    raise SettingsError(message % {"line": number, "key": key, "value": raw})


def _ini_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
