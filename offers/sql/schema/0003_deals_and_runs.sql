-- Migration 3: deals as loaded from deal files, and list-cycle runs with their lists.
-- No deal was ever written by an earlier version (there was no loader), so the table is
-- made again with the columns a deal file carries.
DROP TABLE deal;

-- What a manufacturer (or the store) funds.
--   scope_kind 'product' (scope_value: product ids separated by spaces), 'brand' (a brand
--     name) or 'category' (a category name).
--   offer_kind 'amount_off' (offer_value: dollars off one unit), 'percent_off' (offer_value:
--     share of the price off, 0-1) or 'buy_x_get_y' (buy_x units bought, get_y more free).
--   funding_per_redemption: dollars the manufacturer pays the store per redemption (0 for
--     a store-funded deal). budget_cap: dollars the deal may cost in all (NULL: no cap).
--   target_kind 'all' (everyone who buys in scope), 'segment' (target_segment x
--     target_usage of the scope's category; a NULL usage is every usage) or 'conversion'
--     (offered to the category's target_segment buyers, e.g. store-brand analgesic to
--     'national' households).
CREATE TABLE deal (
    deal_id                VARCHAR PRIMARY KEY,
    description            VARCHAR,
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
    target_segment         VARCHAR CHECK (target_segment IN ('national', 'store', 'switcher')),
    target_usage           VARCHAR CHECK (target_usage IN ('low', 'medium', 'high')),
    file_id                INTEGER NOT NULL
);

-- One list cycle: the lists planned as of a day, for a seed. (as_of, seed) is unique, so
-- planning the same day with the same seed again adds nothing.
CREATE TABLE plan_run (
    run_id              VARCHAR PRIMARY KEY,
    run_number          INTEGER NOT NULL UNIQUE,
    as_of               DATE NOT NULL,
    valid_from          DATE NOT NULL,
    valid_to            DATE NOT NULL,
    seed                BIGINT NOT NULL,
    settings            VARCHAR NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    households_eligible INTEGER NOT NULL,
    households_treated  INTEGER NOT NULL,
    households_holdout  INTEGER NOT NULL,
    UNIQUE (as_of, seed)
);

-- Every eligible household of a run, with its tier and arm ('treated' gets a list,
-- 'holdout' does not: the control group of the vendor reports).
CREATE TABLE run_household (
    run_id       VARCHAR NOT NULL,
    household_id BIGINT NOT NULL,
    tier         VARCHAR NOT NULL,
    arm          VARCHAR NOT NULL CHECK (arm IN ('treated', 'holdout')),
    PRIMARY KEY (run_id, household_id)
);

-- A treated household's list in a run; list_id is the number its barcode carries.
CREATE TABLE shopping_list (
    list_id      BIGINT PRIMARY KEY,
    run_id       VARCHAR NOT NULL,
    household_id BIGINT NOT NULL,
    face_value   DECIMAL(12, 2) NOT NULL,
    UNIQUE (run_id, household_id)
);

-- A line of a list: an item, with or without an offer (a reminder), and why it is there
-- ('due', 'conversion', 'discovery'). discount: dollars off one redemption at the item's
-- usual price (NULL on a reminder); face_value: dollars the line can save the household
-- (discount x the deal's limit per household); p_redeem: probability (0-1) that the
-- household redeems it in the window (buys the item, for a reminder); expected_value:
-- dollars. brand_segment and usage: the household's cell in the line's category when the
-- list was planned (NULL when unsegmented), for reports by cell.
CREATE TABLE list_line (
    list_id        BIGINT NOT NULL,
    line_number    INTEGER NOT NULL,
    product_id     BIGINT NOT NULL,
    category       VARCHAR,
    brand_segment  VARCHAR,
    usage          VARCHAR,
    deal_id        VARCHAR,
    reason         VARCHAR NOT NULL CHECK (reason IN ('due', 'conversion', 'discovery')),
    discount       DECIMAL(12, 2),
    face_value     DECIMAL(12, 2) NOT NULL,
    p_redeem       DOUBLE NOT NULL,
    expected_value DOUBLE NOT NULL,
    expected_date  DATE,
    valid_from     DATE NOT NULL,
    valid_to       DATE NOT NULL,
    PRIMARY KEY (list_id, line_number)
);
