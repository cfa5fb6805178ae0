-- Migration 6: the row-level extracts the store gave manufacturers
-- (offers/reports/extract.py). With the store secret and an extract's id the store can
-- find the household behind a pseudonym a manufacturer asks about; the manufacturer,
-- without the secret, cannot. categories: the extract's categories, separated by '; '.
CREATE TABLE vendor_extract (
    extract_id      VARCHAR PRIMARY KEY,
    manufacturer_id BIGINT NOT NULL,
    first_day       DATE NOT NULL,
    last_day        DATE NOT NULL,
    categories      VARCHAR NOT NULL,
    row_count       BIGINT NOT NULL,
    rows_left_out   BIGINT NOT NULL,
    made_at         TIMESTAMP NOT NULL
);
