"""Which top-level ESD function each LGSL service belongs to, by keywords in its label.

The 2015 esd-toolkit copy in ../shared/data lists the LGSL services and the ESD
function hierarchy but not which function each service sits under, so the
registry classifies services itself: the first rule below whose pattern matches
the lower-cased label wins. This is the project's own classification into the
13 top-level functions (by their ESD labels), not the esd-toolkit's mapping;
labels no rule matches get no function and insights leave them out of the
per-function figures. Rules are ordered from the most specific to the broadest
(licences before the things licensed, benefits before housing, ...).
"""

from __future__ import annotations

import re

RULES: tuple[tuple[str, str], ...] = (
    ("Licences, permits and permissions", r"licen[cs]|\bpermits?\b|consent to|approved certifier|certificates?\b"),
    (
        "Marine and waterway services",
        r"marine|harbour|\bports?\b|coast|beach|waterway|\bboats?\b|houseboat|ferr(y|ies)|mooring|canal|\briver"
        r"|pilotage|navigation|berthing|lifebelt|marina",
    ),
    (
        "Community safety",
        r"crime|police|policing|emergenc|anti-?social|community safety|cctv|offend|\bbail|\bfires?\b|fire safety"
        r"|firefight|terror|domestic (abuse|violence)|neighbourhood watch|civil contingenc|sudden death|coroner"
        r"|inquest|youth justice|rescue|reparation|probation|parole|prosecution|harassment|vandalism|arson"
        r"|disorder|firearm|shotgun|incident|witness|\bcourts?\b|alley gating|throughcare|enquiry reports"
        r"|attendance orders|referral orders",
    ),
    (
        "Planning and building control",
        r"planning|building control|building regulation|building warrant|listed building|conservation area"
        r"|tree preservation|dangerous structure|development|land charge|street nam|hedge|local plan|zoning"
        r"|demolition control|demolition enforcement|land use|archaeolog|advertisement control|landscape"
        r"|construction|building inspector",
    ),
    ("Advice and benefits", r"benefit|welfare|\bdebt|hardship|crisis|discretionary|money advice|citizens advice"),
    (
        "Housing",
        r"housing|\btenan|homeless|\brent\b|\brents\b|council home|council propert|sheltered|landlord"
        r"|multiple occupation|\bhmo|home improvement|empty (homes|propert)|right to buy|leasehold|letting"
        r"|hard to let|mutual (home )?exchange|home purchase|traveller site|gypsy|home repairs|\bhouses?\b|propert"
        r"|garages|demolitions - |decoration|communal heating|estates management|caretaking|keeping warm",
    ),
    (
        "Education and learning",
        r"school|educat|pupil|student|tuition|learning|childcare|child care|nurser|early years|college|degree"
        r"|teacher|\bexam|gifted|truan|apprentic|bursar|qualification|field study|work experience",
    ),
    (
        "Transport and highways",
        r"parking|blue badge|\broads?\b|highway|traffic|transport|\bbus\b|buses|travel|cycl|footpath|bridleway"
        r"|street light|pavement|verge|gritting|vehicle|journey|concessionary|taxi|crossing|dropped kerb"
        r"|street works|bridge|speed|rights of way|pothole|motor|driv|yellow lines|red routes|street furniture"
        r"|snow|stations|abnormal load|car pool|\bmot\b|stopping up|airport",
    ),
    (
        "Environmental protection",
        r"waste|recycl|refuse|\bbins?\b|skip|litter|fly-?(tip|post)|graffiti|pollution|noise|\bpests?\b|environment"
        r"|\bdogs?\b|animal|abandoned|street clean|cemeter|burial|cremat|funeral|grave|mortuar|exhumation"
        r"|repatriation|memorial|allotment|\bparks?\b|open space|countryside|\btrees?\b|flood|air quality"
        r"|clean air|contaminat|water (quality|supply)|energy|climate|sustainab|conservation|nature|wildlife"
        r"|farm|rural|forest|drain|sewer|septic|toilets|smoke|odour|nuisance|hygiene|food safety|infestation"
        r"|rodent|composter|grass cutting|syringe|land reclamation|ecology|common land|grazing|emission"
        r"|rabies|veterinar|cattle|\bpig|meat|reservoir|solvent|petrol|asbestos|open access land",
    ),
    (
        "Health and social care",
        r"\bcare\b|carer|social care|adult placement|disab|health|medical|hospital|maternity|midwif|foster|adopt"
        r"|child protection|elderly|older people|meals|mental|\bdrugs?\b|substance|advocacy|safeguard|domiciliary"
        r"|telecare|day centre|residential|nursing|vulnerable|family|families|parent|children|smoking|sexual"
        r"|immunis|vaccin|bereave|dementia|personal (budget|assistant)|direct payment|childmind|counselling"
        r"|occupational therapy|\bhiv\b|incontinence|shared assessment|pregnancy|alcohol advice|young people"
        r"|youth|asylum|social|chaperone|mentoring|intensive support|ambulance|socal services",
    ),
    (
        "Leisure and culture",
        r"librar|museum|galler|\barts?\b|theatre|leisure|sport|swimming|touris|events?\b|exhibition|festiv"
        r"|heritage|archive|history|cultur|entertainment|cinema|playground|play area|pitch|recreation|\bgolf"
        r"|music|reading|book|fishing|attractions|outdoor activit|camping|caravan|young scot",
    ),
    (
        "Business and employment",
        r"business|trading|employ|\bjobs?\b|career|vacancies|tender|procure|contracts?\b|\bmarkets?\b|commercial"
        r"|\brates\b|enterprise|economic|regenerat|grants?\b|health and safety|consumer|weights and measures"
        r"|invest|retail|shop|town centre|trade|fair trading|food labelling|product safety|under age sales"
        r"|credit union|suppliers|funding|calibration|catering|accident reporting|estate agents|scientific"
        r"|food premises|dry cleaning",
    ),
    (
        "Government, citizens and rights",
        r"council tax|elect|\bvot|councillor|members?\b|democra|committee|complain|freedom of information"
        r"|data protection|consult|petition|regist|birth|death|marriage|wedding|civil partnership|citizenship"
        r"|nationality|staff|\bict\b|facilities|finance|audit|equal|communicat|census|statistic|volunt|\btax"
        r"|mayor|civic|council|constitution|scrutiny|policy|performance|transparency|legal|\blaw\b|insurance"
        r"|pension|payroll|recruit|procedure|information|records|retention|ceremon|honour|twinning|charit"
        r"|lottery|community|minutes|agendas|publications|publicity|media|translation|interpret|customer"
        r"|referend|procession|demonstration|banking|fines|value for money|graphic design|solicitor|convey"
        r"|accessibility|change of circumstances|hall|meeting room|financial affairs|deeds|valuation|listing",
    ),
)

_COMPILED = tuple((function, re.compile(pattern)) for function, pattern in RULES)


def classify(label: str) -> str:
    """The top-level ESD function for an LGSL label, or "" when no rule matches."""
    text = label.lower()
    return next((function for function, pattern in _COMPILED if pattern.search(text)), "")
