-- The registry's SQLite index: everything the API serves, built from one Git commit.
-- Written by `standards index build`; read-only afterwards. Lists, dates and JSON
-- values are stored as text (ISO dates, JSON arrays) so the file is readable with
-- any SQLite client.

PRAGMA user_version = 12;  -- the same as registry/index/health.py SCHEMA_VERSION (tests/test_index.py holds them together)

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,   -- commit, ref, built_at, as_of, schema_version, licence, tool_version
    value TEXT NOT NULL
);

CREATE TABLE standards (
    id                TEXT PRIMARY KEY,
    prefix            TEXT NOT NULL,
    title             TEXT NOT NULL,
    version           TEXT NOT NULL,
    status            TEXT NOT NULL,
    published         TEXT NOT NULL,
    updated           TEXT,
    sunset            TEXT,
    owner             TEXT NOT NULL,
    summary           TEXT NOT NULL,
    applies_to_all    INTEGER NOT NULL,
    applies_when      TEXT,
    references_json   TEXT NOT NULL,    -- [{"title", "url"}]
    requirement_count INTEGER NOT NULL
);

CREATE TABLE standard_versions (
    standard_id TEXT NOT NULL REFERENCES standards(id),
    version     TEXT NOT NULL,
    commit_sha  TEXT,                   -- NULL for an uncommitted working-tree version
    date        TEXT,
    author      TEXT,
    status      TEXT,
    document    TEXT,                   -- the standard at that version, as JSON
    PRIMARY KEY (standard_id, version)
);

CREATE TABLE requirements (
    id               TEXT PRIMARY KEY,
    standard_id      TEXT NOT NULL REFERENCES standards(id),
    position         INTEGER NOT NULL,  -- order within the standard
    title            TEXT NOT NULL,
    level            TEXT NOT NULL,     -- must | should | may
    guidance         TEXT NOT NULL,
    check_expr       TEXT,
    applies_when     TEXT,
    evidence         TEXT,              -- description of the evidence asked for, if any
    evidence_max_age INTEGER,
    field            TEXT,
    fix              TEXT NOT NULL,
    references_json  TEXT NOT NULL,
    visibility       TEXT NOT NULL      -- public | restricted (judged in public by the <PREFIX>-ATTESTED requirement)
);
CREATE INDEX requirements_standard ON requirements(standard_id, position);

-- The manifest fields restricted requirements read (dotted, e.g. security.mfa_for_admins), worked out
-- once from the rules at build time: a public manifest may not hold them, so nothing built from the
-- index (the Describe a service form) asks for them. Evidence for a restricted requirement is restricted
-- too; that follows from requirements.visibility and is not repeated here.
CREATE TABLE restricted_fields (
    path TEXT PRIMARY KEY
);

-- Each requirement as it stood in each indexed version of its standard (current and from Git history):
-- a service pinned to an older version is shown against that version's requirements. Only those judged in
-- public: a version's restricted requirements are left out and its attestation requirement comes last.
CREATE TABLE requirement_versions (
    standard_id    TEXT NOT NULL,
    version        TEXT NOT NULL,
    position       INTEGER NOT NULL,  -- order within that version; service_standards.outcomes follows it
    requirement_id TEXT NOT NULL,
    title          TEXT NOT NULL,
    level          TEXT NOT NULL,
    fix            TEXT NOT NULL,
    PRIMARY KEY (standard_id, version, position)
);

CREATE TABLE patterns (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    type            TEXT NOT NULL,     -- solution | building_block
    summary         TEXT NOT NULL,
    solves          TEXT NOT NULL,
    when_to_use     TEXT NOT NULL,
    when_not_to_use TEXT,
    maintainer      TEXT NOT NULL,
    open_source     INTEGER NOT NULL,
    licence         TEXT,
    url             TEXT NOT NULL,
    references_json TEXT NOT NULL,
    status          TEXT NOT NULL,  -- active | deprecated | retired
    successor       TEXT            -- the pattern to move to, when not active
);

CREATE TABLE pattern_requirements (
    pattern_id     TEXT NOT NULL REFERENCES patterns(id),
    requirement_id TEXT NOT NULL,
    PRIMARY KEY (pattern_id, requirement_id)
);

CREATE TABLE councils (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    gss_code      TEXT NOT NULL,
    register_code TEXT NOT NULL,
    type          TEXT NOT NULL,
    nation        TEXT NOT NULL,
    region        TEXT NOT NULL,
    website       TEXT,
    owners_json   TEXT NOT NULL,
    sample        INTEGER NOT NULL,
    path          TEXT NOT NULL
);

-- One row per valid service manifest. `key` is "<council>/<service>".
CREATE TABLE services (
    key              TEXT PRIMARY KEY,
    id               TEXT NOT NULL,
    council_id       TEXT NOT NULL REFERENCES councils(id),
    path             TEXT NOT NULL,
    name             TEXT NOT NULL,
    description      TEXT,
    lgsl             INTEGER,
    url              TEXT,
    phase            TEXT NOT NULL,
    audience         TEXT NOT NULL,
    channels_json    TEXT NOT NULL,
    team             TEXT NOT NULL,
    service_owner    TEXT,
    hosting_model    TEXT,
    hosting_provider TEXT,
    open_api         INTEGER NOT NULL,  -- 1 when data.open_api is declared
    open_source      INTEGER NOT NULL,
    handles_personal_data INTEGER NOT NULL,
    sample           INTEGER NOT NULL,
    compliant        INTEGER NOT NULL,  -- 1 when no applicable standard has a failing must
    score            REAL NOT NULL,     -- mean score over the applicable standards
    failed_must      INTEGER NOT NULL,
    failed_should    INTEGER NOT NULL,
    manifest_json    TEXT NOT NULL      -- the whole validated manifest
);
CREATE INDEX services_council ON services(council_id);
CREATE INDEX services_lgsl ON services(lgsl);
CREATE INDEX services_phase ON services(phase);

CREATE TABLE service_patterns (
    service_key TEXT NOT NULL REFERENCES services(key),
    pattern_id  TEXT NOT NULL,
    PRIMARY KEY (service_key, pattern_id)
);
CREATE INDEX service_patterns_pattern ON service_patterns(pattern_id);

CREATE TABLE suppliers (
    service_key    TEXT NOT NULL REFERENCES services(key),
    name           TEXT NOT NULL,
    product        TEXT,
    role           TEXT,
    contract_start TEXT,
    contract_end   TEXT,
    -- As registry/index/products.py reads the entry, once, for every figure to group by:
    supplier_key   TEXT NOT NULL,      -- the supplier's name normalised (case, punctuation, "Ltd")
    product_key    TEXT NOT NULL,      -- "<supplier_key>|<product normalised>"
    product_label  TEXT NOT NULL,      -- "Supplier: Product" as written (the supplier alone without a product)
    notice_months  INTEGER,            -- notice_period_months as written
    notice_date    TEXT                -- contract_end less the notice period: the last day to give notice
);
CREATE INDEX suppliers_service ON suppliers(service_key);
CREATE INDEX suppliers_name ON suppliers(name);

-- Per service and applicable standard. `outcomes` holds one letter per requirement of
-- that standard, in requirement order: P pass, F fail, W waived, N not applicable, E error.
CREATE TABLE service_standards (
    service_key    TEXT NOT NULL REFERENCES services(key),
    standard_id    TEXT NOT NULL,
    version        TEXT NOT NULL,
    compliant      INTEGER NOT NULL,
    score          REAL NOT NULL,
    passed         INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    waived         INTEGER NOT NULL,
    not_applicable INTEGER NOT NULL,
    errors         INTEGER NOT NULL,
    failed_must    INTEGER NOT NULL,
    failed_should  INTEGER NOT NULL,
    outcomes       TEXT NOT NULL,
    PRIMARY KEY (service_key, standard_id)
);
CREATE INDEX service_standards_standard ON service_standards(standard_id, compliant);

-- Every result that carries more than its outcome (a failure, a waiver, an error, or evidence the
-- requirement asked for), as the checker recorded it: checks.results.RequirementResult's fields.
-- registry/service_results.py turns these rows and service_standards.outcomes back into results.
CREATE TABLE findings (
    service_key        TEXT NOT NULL REFERENCES services(key),
    requirement_id     TEXT NOT NULL,
    standard_id        TEXT NOT NULL,
    version            TEXT NOT NULL,   -- the standard version it was judged against
    level              TEXT NOT NULL,   -- its level in that version
    outcome            TEXT NOT NULL,   -- fail | waived | error, or pass when evidence was used
    detail             TEXT NOT NULL,   -- the value as written, what evidence is missing, or the rule's error
    waiver_approved_by TEXT,            -- the waiver judged with (applied or expired), if any
    waiver_expires     TEXT,
    waiver_reason      TEXT,
    evidence_status    TEXT,            -- the evidence declared, for a requirement that asks for some
    evidence_date      TEXT,
    evidence_url       TEXT,
    line               INTEGER NOT NULL,
    column             INTEGER NOT NULL,
    says               TEXT NOT NULL    -- what the manifest says there, in a sentence (checks/says.py)
);
CREATE INDEX findings_service ON findings(service_key);
CREATE INDEX findings_requirement ON findings(requirement_id, outcome);
CREATE INDEX findings_standard ON findings(standard_id, outcome, requirement_id);

CREATE TABLE waivers (
    service_key    TEXT NOT NULL REFERENCES services(key),
    requirement_id TEXT NOT NULL,
    reason         TEXT NOT NULL,
    approved_by    TEXT NOT NULL,
    expires        TEXT NOT NULL,
    active         INTEGER NOT NULL     -- 1 when not expired at the index's as-of date
);
CREATE INDEX waivers_service ON waivers(service_key);

CREATE TABLE evidence (
    service_key    TEXT NOT NULL REFERENCES services(key),
    requirement_id TEXT NOT NULL,
    status         TEXT NOT NULL,
    url            TEXT,
    date           TEXT,
    note           TEXT
);
CREATE INDEX evidence_service ON evidence(service_key);

-- Files that could not be indexed, with their first problem.
CREATE TABLE invalid_files (
    path    TEXT PRIMARY KEY,
    kind    TEXT NOT NULL,
    code    TEXT NOT NULL,
    message TEXT NOT NULL,
    line    INTEGER NOT NULL,
    column  INTEGER NOT NULL
);

-- Full-text search over services, standards, requirements, patterns and councils.
CREATE VIRTUAL TABLE search USING fts5(
    kind UNINDEXED,     -- service | standard | requirement | pattern | council
    ref UNINDEXED,      -- the item's id (service key for services)
    title,
    body,
    tokenize = 'porter unicode61'
);

-- Covering indexes for the councils, services and compliance routes (appended; read-only
-- index-only scans instead of reading the wide services rows or every service_standards row):
-- a council's totals and the roll-ups by council, type, region and nation ...
CREATE INDEX services_council_scores ON services(council_id, compliant, score, failed_must, failed_should);
-- ... and compliance per standard, for one council (standard_id IN, then the council's key range) or overall.
CREATE INDEX service_standards_scores ON service_standards(standard_id, service_key, compliant, score, failed_must);

-- Narrow per-service facts for the sector insights (registry/insights/figures.py), so that figures over
-- 100,000 services are GROUP BYs over small rows rather than JSON reads of services.manifest_json.
CREATE TABLE service_facts (
    service_key        TEXT PRIMARY KEY REFERENCES services(key),
    council_id         TEXT NOT NULL,
    lgsl               INTEGER,
    compliant          INTEGER NOT NULL,  -- as services.compliant
    musts_applicable   INTEGER NOT NULL,  -- must results over the applicable standards, not-applicable ones left out
    musts_met          INTEGER NOT NULL,  -- of those, passed or waived
    open_api           INTEGER NOT NULL,  -- data.open_api is declared
    is_directory       INTEGER NOT NULL,  -- data.is_directory
    handles_addresses  INTEGER NOT NULL,  -- data.handles_addresses
    open_referral_uk   INTEGER NOT NULL,  -- `open-referral-uk` in data.standards
    uprn               INTEGER NOT NULL,  -- `uprn` in data.standards
    usrn               INTEGER NOT NULL,  -- `usrn` in data.standards
    open_export        INTEGER NOT NULL,  -- data.export_formats holds an open format (registry/index/build.py OPEN_FORMATS)
    proprietary_format INTEGER NOT NULL   -- data.proprietary_format
) WITHOUT ROWID;
CREATE INDEX service_facts_lgsl ON service_facts(lgsl, council_id);

-- The Local Government Service List shipped in registry/data/lgsl.csv, with each service's
-- top-level ESD function (the project's keyword classification; empty when none applies).
CREATE TABLE lgsl (
    id       INTEGER PRIMARY KEY,
    label    TEXT NOT NULL,
    function TEXT NOT NULL
);

-- Procurement windows: contracts by end date.
CREATE INDEX suppliers_contract_end ON suppliers(contract_end);

-- Each service's core solutions (registry/index/solutions.py): the solution patterns, line-of-business
-- products and in-house builds that deliver it, not its building blocks. Duplication hotspots group these.
CREATE TABLE service_solutions (
    service_key TEXT NOT NULL REFERENCES services(key),
    kind        TEXT NOT NULL,   -- pattern | product | in_house
    solution    TEXT NOT NULL,   -- the pattern id, the product key, or the in-house build's repository
    name        TEXT NOT NULL,   -- as shown: the pattern's name, "Supplier: Product", "In-house build (...)"
    PRIMARY KEY (service_key, kind, solution)
) WITHOUT ROWID;

-- Strategic authorities: the combined and mayoral combined authorities in the register the package ships
-- (checks/data/strategic_authorities.csv), and each constituent council's, by register code, whether or
-- not the council has manifests. The insights' authority filter (registry/insights/scope.py) reads them.
CREATE TABLE strategic_authorities (
    code       TEXT PRIMARY KEY,  -- the register code: GMCA, WYCA, LCR ...
    gss_code   TEXT NOT NULL,
    name       TEXT NOT NULL,     -- the official name
    nice_name  TEXT NOT NULL,
    nation     TEXT NOT NULL,
    region     TEXT NOT NULL,
    start_date TEXT NOT NULL
);
CREATE TABLE authority_councils (
    register_code TEXT PRIMARY KEY,  -- a constituent council's (councils.register_code)
    authority     TEXT NOT NULL REFERENCES strategic_authorities(code)
);
CREATE INDEX authority_councils_authority ON authority_councils(authority, register_code);

-- How each manifest was indexed, so a rebuild after a change replaces only the rows of the files that
-- changed (registry/index/incremental.py). `digest` is the file's SHA-256 and its council file's
-- (checks/cache.py); `seen` their stats (size, mtime, ctime, inode), so an unchanged file is known
-- without a look at the cache; `valid_until` the first as-of date its rows may differ (checks/timespan.py).
CREATE TABLE index_files (
    path        TEXT PRIMARY KEY,
    digest      TEXT NOT NULL,
    seen        TEXT,
    valid_until TEXT,
    service_key TEXT,
    council_id  TEXT
);

-- What every row depends on beside its file (the standards, the tool, the mode): the result cache's scope.
CREATE TABLE index_scope (
    scope TEXT NOT NULL
);
