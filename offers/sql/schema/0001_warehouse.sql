-- Migration 1: the warehouse's core tables.
-- Money is in dollars (DECIMAL(12, 2)); quantities are units; times are local store time.

-- What the store sells. brand_type is 'national' (a manufacturer's brand) or 'store' (own label).
CREATE TABLE product (
    product_id      BIGINT PRIMARY KEY,
    description     VARCHAR,
    brand           VARCHAR,
    brand_type      VARCHAR NOT NULL CHECK (brand_type IN ('national', 'store')),
    manufacturer_id BIGINT,
    department      VARCHAR,
    category        VARCHAR,
    subcategory     VARCHAR,
    size            VARCHAR
);

-- A loyalty-card household. No PII here: this table may be joined into anything.
CREATE TABLE household (
    household_id BIGINT PRIMARY KEY,
    store_id     BIGINT,
    opted_out    BOOLEAN NOT NULL DEFAULT FALSE
);

-- PII, kept apart: mailing name and address. Never joined into vendor output.
CREATE TABLE household_contact (
    household_id BIGINT PRIMARY KEY,
    name         VARCHAR,
    address      VARCHAR,
    postal_code  VARCHAR
);

-- PII, kept apart: the loyalty card numbers a household shows at the lane.
CREATE TABLE household_card (
    card_number  VARCHAR PRIMARY KEY,
    household_id BIGINT NOT NULL
);

-- One line of a basket. A negative quantity is a return (is_return), kept as a real line.
-- (basket_id, product_id) is unique: ingest quarantines a second line for the same pair.
CREATE TABLE scan_line (
    basket_id             BIGINT NOT NULL,
    product_id            BIGINT NOT NULL,
    household_id          BIGINT NOT NULL,
    store_id              BIGINT NOT NULL,
    scanned_at            TIMESTAMP NOT NULL,
    quantity              INTEGER NOT NULL,
    amount_paid           DECIMAL(12, 2) NOT NULL,
    store_discount        DECIMAL(12, 2) NOT NULL DEFAULT 0,
    coupon_discount       DECIMAL(12, 2) NOT NULL DEFAULT 0,
    coupon_match_discount DECIMAL(12, 2) NOT NULL DEFAULT 0,
    is_return             BOOLEAN NOT NULL,
    file_id               INTEGER NOT NULL
);

-- What a manufacturer (or the store) funds. scope_kind says what scope_value names:
-- 'product' (a product id), 'brand' or 'category'. offer_kind: 'amount_off' (dollars),
-- 'percent_off' (share, 0-1) or 'buy_x_get_y'. target_kind: 'all', 'segment' or 'conversion'.
CREATE TABLE deal (
    deal_id                VARCHAR PRIMARY KEY,
    manufacturer_id        BIGINT,
    scope_kind             VARCHAR NOT NULL CHECK (scope_kind IN ('product', 'brand', 'category')),
    scope_value            VARCHAR NOT NULL,
    offer_kind             VARCHAR NOT NULL
        CHECK (offer_kind IN ('amount_off', 'percent_off', 'buy_x_get_y')),
    offer_value            DECIMAL(12, 2),
    buy_x                  INTEGER,
    get_y                  INTEGER,
    funding_per_redemption DECIMAL(12, 2) NOT NULL DEFAULT 0,
    budget_cap             DECIMAL(12, 2),
    valid_from             DATE NOT NULL,
    valid_to               DATE NOT NULL,
    limit_per_household    INTEGER NOT NULL DEFAULT 1,
    target_kind            VARCHAR NOT NULL DEFAULT 'all'
        CHECK (target_kind IN ('all', 'segment', 'conversion')),
    target_value           VARCHAR
);

-- Every file loaded, by content hash: loading the same content again adds nothing.
-- file_id ties scan lines and quarantined rows to the file they came from.
CREATE TABLE ingested_file (
    file_id          INTEGER PRIMARY KEY,
    file_sha256      VARCHAR NOT NULL UNIQUE,
    kind             VARCHAR NOT NULL,
    path             VARCHAR NOT NULL,
    loaded_at        TIMESTAMP NOT NULL,
    rows_read        BIGINT NOT NULL,
    rows_loaded      BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL
);

-- Every rejected row, with where it came from and why, in words a clerk understands.
CREATE TABLE quarantine (
    file_id     INTEGER NOT NULL,
    kind        VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    row_number  BIGINT NOT NULL,
    field       VARCHAR,
    value       VARCHAR,
    reason      VARCHAR NOT NULL,
    message     VARCHAR NOT NULL
);
