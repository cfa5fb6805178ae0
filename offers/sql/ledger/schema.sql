-- The live ledger: what the checkout lanes read and write while the stores are open.
-- SQLite in WAL mode, beside the warehouse (offers/pos/ledger.py opens it). Plain SQL so
-- it could move to another engine. Money is in cents (INTEGER), days are ISO text
-- (YYYY-MM-DD), times are ISO text in local store time (YYYY-MM-DDTHH:MM:SS).

-- Who this ledger is: the warehouse remembers how far it has synced each ledger by this id.
CREATE TABLE IF NOT EXISTS ledger_meta (
    ledger_id  TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A run whose lists were published to the lanes.
CREATE TABLE IF NOT EXISTS published_run (
    run_id       TEXT PRIMARY KEY,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL,
    lists        INTEGER NOT NULL,
    offers       INTEGER NOT NULL,
    published_at TEXT NOT NULL
);

-- A published list: the number its barcode carries, whose it is and where it redeems
-- (the household's home store, which printed it).
CREATE TABLE IF NOT EXISTS list (
    list_id      INTEGER PRIMARY KEY,
    run_id       TEXT NOT NULL,
    household_id INTEGER NOT NULL,
    store_id     INTEGER,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS list_by_household ON list (household_id, valid_from);

-- A loyalty card, by the SHA-256 of its number (the number itself is not kept here), and
-- the household's home store.
CREATE TABLE IF NOT EXISTS card (
    card_sha256  TEXT PRIMARY KEY,
    household_id INTEGER NOT NULL,
    store_id     INTEGER
) WITHOUT ROWID;

-- An offer line of a published list. offer_value: dollars off one unit (amount_off) or
-- the share off (percent_off, 0-1), as decimal text; buy_x / get_y for buy_x_get_y.
CREATE TABLE IF NOT EXISTS offer (
    list_id             INTEGER NOT NULL,
    line_number         INTEGER NOT NULL,
    deal_id             TEXT NOT NULL,
    item                TEXT NOT NULL,
    offer_kind          TEXT NOT NULL,
    offer_value         TEXT,
    buy_x               INTEGER,
    get_y               INTEGER,
    limit_per_household INTEGER NOT NULL,
    valid_from          TEXT NOT NULL,
    valid_to            TEXT NOT NULL,
    PRIMARY KEY (list_id, line_number)
) WITHOUT ROWID;

-- Every product a published deal's scope covers: an offer redeems on any of them.
CREATE TABLE IF NOT EXISTS deal_product (
    deal_id    TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    PRIMARY KEY (deal_id, product_id)
) WITHOUT ROWID;

-- A lane's key, by its SHA-256: it acts for one store only. revoked_at set: refused.
CREATE TABLE IF NOT EXISTS lane_key (
    key_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    key_sha256 TEXT NOT NULL UNIQUE,
    store_id   INTEGER NOT NULL,
    lane       TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- A transaction applied at a lane, once per (store, transaction id). request_sha256 is the
-- hash of the request as applied; answer is the JSON the lane got, sent again on a retry.
CREATE TABLE IF NOT EXISTS sale (
    sale_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id       INTEGER NOT NULL,
    transaction_id TEXT NOT NULL,
    lane           TEXT NOT NULL,
    household_id   INTEGER NOT NULL,
    list_id        INTEGER,
    occurred_at    TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    answer         TEXT NOT NULL,
    UNIQUE (store_id, transaction_id)
);

-- A basket line of a sale: quantity units of a product at unit_cents each.
CREATE TABLE IF NOT EXISTS sale_line (
    sale_id    INTEGER NOT NULL,
    line_index INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    quantity   INTEGER NOT NULL,
    unit_cents INTEGER NOT NULL,
    PRIMARY KEY (sale_id, line_index)
) WITHOUT ROWID;

-- A void (a return, or a cancelled sale), once per (sale, void id).
CREATE TABLE IF NOT EXISTS void (
    void_row       INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id        INTEGER NOT NULL,
    void_id        TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    answer         TEXT NOT NULL,
    UNIQUE (sale_id, void_id)
);

-- The units of a sale line a void returned.
CREATE TABLE IF NOT EXISTS void_line (
    void_row   INTEGER NOT NULL,
    line_index INTEGER NOT NULL,
    quantity   INTEGER NOT NULL,
    PRIMARY KEY (void_row, line_index)
) WITHOUT ROWID;

-- What counts against a per-household limit: one entry per offer applied to a sale line
-- (void_row NULL), and one negative entry per void that reversed part of it. A deal's
-- redemptions for a household are the sum over its entries.
CREATE TABLE IF NOT EXISTS redemption (
    entry_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id        INTEGER NOT NULL,
    line_index     INTEGER NOT NULL,
    void_row       INTEGER,
    household_id   INTEGER NOT NULL,
    deal_id        TEXT NOT NULL,
    list_id        INTEGER NOT NULL,
    line_number    INTEGER NOT NULL,
    redemptions    INTEGER NOT NULL,
    discount_cents INTEGER NOT NULL,
    at             TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS redemption_by_household ON redemption (household_id, deal_id);
CREATE INDEX IF NOT EXISTS redemption_by_sale ON redemption (sale_id, line_index);

-- Every request that changed something, or tried to: who (a lane key, or 'cli'), what,
-- and how it ended ('applied', 'replayed', 'refused: ...').
CREATE TABLE IF NOT EXISTS audit (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    store_id       INTEGER,
    action         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    request_sha256 TEXT
);
