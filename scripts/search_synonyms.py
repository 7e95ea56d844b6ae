"""What people type for the services councils deliver most, mapped to LGSL codes: the registry's own list.

GOV.UK's own phrasing for each service (its local-services descriptions and its service slugs)
is read from the reference data by scripts/build_councils_register.py; these are the everyday
words GOV.UK's phrasing misses ("missed bin", "pothole", "blue badge"), written by the project.
Each phrase may name several codes: "council tax" is about bills, discounts and exemptions alike.
Keep phrases lower case, as people type them; the builder refuses a code the LGSL does not have.
"""

from __future__ import annotations

SYNONYMS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("missed bin", (524,)),
    ("bin collection", (524,)),
    ("bin day", (524,)),
    ("rubbish collection", (524,)),
    ("refuse collection", (524,)),
    ("recycling", (533, 534)),
    ("garden waste", (530,)),
    ("brown bin", (530,)),
    ("bulky waste", (528,)),
    ("fly-tipping", (587,)),
    ("pothole", (557,)),
    ("road repairs", (557,)),
    ("broken street light", (564,)),
    ("gritting", (561,)),
    ("dropped kerb", (477,)),
    ("blue badge", (279,)),
    ("disabled parking", (279, 274)),
    ("parking permit", (474,)),
    ("resident parking", (474, 473)),
    ("council tax", (57, 58, 59, 60, 61)),
    ("single person discount", (59,)),
    ("business rates", (54, 56)),
    ("housing benefit", (69, 70)),
    ("free school meals", (4,)),
    ("school place", (13, 14)),
    ("school admissions", (13, 14)),
    ("planning application", (487, 485)),
    ("building regulations", (499,)),
    ("register to vote", (364,)),
    ("register a birth", (319,)),
    ("register a death", (321,)),
    ("noise complaint", (412,)),
    ("rats", (431,)),
    ("pest control", (431,)),
    ("library card", (438,)),
    ("renew library books", (440,)),
    ("foster carer", (159,)),
    ("homeless", (112,)),
    ("council housing", (92, 89)),
    ("house swap", (88,)),
    ("care assessment", (209,)),
    ("personal alarm", (313,)),
    ("taxi licence", (632,)),
    ("alcohol licence", (860,)),
    ("street trading", (400,)),
    ("graffiti", (584,)),
    ("litter", (580, 581)),
    ("bus pass", (273, 280)),
)
