-- Migration 4: what the checkout lanes did, brought back from a live ledger by
-- `offers pos sync` (offers/pos/sync.py). Rows are keyed by the ledger's own ids, so a
-- sync run twice adds nothing.

-- A basket the lanes made: a sale (void_row 0) or a void of one (its ledger void_row).
-- basket_id is the scan_line basket holding its lines.
CREATE TABLE pos_basket (
    basket_id      BIGINT PRIMARY KEY,
    ledger_id      VARCHAR NOT NULL,
    sale_id        BIGINT NOT NULL,
    void_row       BIGINT NOT NULL,
    store_id       BIGINT NOT NULL,
    transaction_id VARCHAR NOT NULL,
    void_id        VARCHAR,
    household_id   BIGINT NOT NULL,
    list_id        BIGINT,
    scanned_at     TIMESTAMP NOT NULL,
    UNIQUE (ledger_id, sale_id, void_row)
);

-- An offer redeemed at a lane (redemptions > 0), or the part of it a void reversed
-- (redemptions and discount negative). discount: dollars off.
CREATE TABLE redemption (
    ledger_id    VARCHAR NOT NULL,
    entry_id     BIGINT NOT NULL,
    basket_id    BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    list_id      BIGINT NOT NULL,
    line_number  INTEGER NOT NULL,
    deal_id      VARCHAR NOT NULL,
    product_id   BIGINT NOT NULL,
    redeemed_at  TIMESTAMP NOT NULL,
    redemptions  INTEGER NOT NULL,
    discount     DECIMAL(12, 2) NOT NULL,
    PRIMARY KEY (ledger_id, entry_id)
);
