-- Row rule for scan lines: check and type each row on its own (rules across rows and tables
-- follow in the other files of this folder).
--
-- Input relation `staged`: surplus VARCHAR (values past the header's last column; NULL when
--   none), and the columns basket_id,
--   household_id, store_id, timestamp, product_id, quantity, amount_paid, store_discount,
--   coupon_discount, coupon_match_discount: text from a CSV file, or the file's own types
--   from a Parquet file; the checks below work on either.
-- Parameters: $earliest, $latest (TIMESTAMP): a scan outside [earliest, latest] is impossible.
-- Output: one row per staged row, in the same order (no joins, so the result's rowid is the
--   row's position in the file): the typed scan_line columns, and reason, field, value, all
--   NULL for a row that passes (quarantine.sql words the message). The first problem in
--   column order wins.
-- Reasons: malformed_row, missing_value, unparseable_value, impossible_timestamp,
--   missing_household (an empty household id).
-- A whole number must not lose a fraction on the way in ('1.5' is not a product id); an
-- empty discount is 0.
WITH typed AS (
    SELECT
        s.*,
        CASE WHEN try_cast(s.basket_id AS DOUBLE) = try_cast(s.basket_id AS BIGINT)
            THEN try_cast(s.basket_id AS BIGINT) END AS basket_id_v,
        CASE WHEN try_cast(s.household_id AS DOUBLE) = try_cast(s.household_id AS BIGINT)
            THEN try_cast(s.household_id AS BIGINT) END AS household_id_v,
        CASE WHEN try_cast(s.store_id AS DOUBLE) = try_cast(s.store_id AS BIGINT)
            THEN try_cast(s.store_id AS BIGINT) END AS store_id_v,
        try_cast(s."timestamp" AS TIMESTAMP) AS scanned_at_v,
        CASE WHEN try_cast(s.product_id AS DOUBLE) = try_cast(s.product_id AS BIGINT)
            THEN try_cast(s.product_id AS BIGINT) END AS product_id_v,
        CASE WHEN try_cast(s.quantity AS DOUBLE) = try_cast(s.quantity AS INTEGER)
            THEN try_cast(s.quantity AS INTEGER) END AS quantity_v,
        try_cast(s.amount_paid AS DECIMAL(12, 2)) AS amount_paid_v,
        coalesce(
            try_cast(s.store_discount AS DECIMAL(12, 2)),
            CASE WHEN s.store_discount IS NULL OR trim(CAST(s.store_discount AS VARCHAR)) = ''
                THEN CAST(0 AS DECIMAL(12, 2)) END
        ) AS store_discount_v,
        coalesce(
            try_cast(s.coupon_discount AS DECIMAL(12, 2)),
            CASE WHEN s.coupon_discount IS NULL OR trim(CAST(s.coupon_discount AS VARCHAR)) = ''
                THEN CAST(0 AS DECIMAL(12, 2)) END
        ) AS coupon_discount_v,
        coalesce(
            try_cast(s.coupon_match_discount AS DECIMAL(12, 2)),
            CASE WHEN s.coupon_match_discount IS NULL OR trim(CAST(s.coupon_match_discount AS VARCHAR)) = ''
                THEN CAST(0 AS DECIMAL(12, 2)) END
        )
            AS coupon_match_discount_v
    FROM staged AS s
),

-- The first problem of each row, in column order: field and reason (NULL when none).
judged AS (
    SELECT
        t.*,
        CASE
            WHEN t.surplus IS NOT NULL THEN 'malformed_row'
            WHEN t.basket_id_v IS NULL THEN
                CASE WHEN trim(CAST(t.basket_id AS VARCHAR)) <> '' THEN 'unparseable_value'
                    ELSE 'missing_value' END
            WHEN t.household_id_v IS NULL THEN
                CASE WHEN trim(CAST(t.household_id AS VARCHAR)) <> ''
                    THEN 'unparseable_value' ELSE 'missing_household' END
            WHEN t.store_id_v IS NULL THEN
                CASE WHEN trim(CAST(t.store_id AS VARCHAR)) <> '' THEN 'unparseable_value'
                    ELSE 'missing_value' END
            WHEN t.scanned_at_v IS NULL THEN
                CASE WHEN trim(CAST(t."timestamp" AS VARCHAR)) <> '' THEN 'unparseable_value'
                    ELSE 'missing_value' END
            WHEN t.scanned_at_v < $earliest OR t.scanned_at_v > $latest
                THEN 'impossible_timestamp'
            WHEN t.product_id_v IS NULL THEN
                CASE WHEN trim(CAST(t.product_id AS VARCHAR)) <> '' THEN 'unparseable_value'
                    ELSE 'missing_value' END
            WHEN t.quantity_v IS NULL THEN
                CASE WHEN trim(CAST(t.quantity AS VARCHAR)) <> '' THEN 'unparseable_value'
                    ELSE 'missing_value' END
            WHEN t.amount_paid_v IS NULL THEN
                CASE WHEN trim(CAST(t.amount_paid AS VARCHAR)) <> '' THEN 'unparseable_value'
                    ELSE 'missing_value' END
            WHEN t.store_discount_v IS NULL OR t.coupon_discount_v IS NULL
                OR t.coupon_match_discount_v IS NULL THEN 'unparseable_value'
        END AS reason,
        CASE
            WHEN t.surplus IS NOT NULL THEN NULL
            WHEN t.basket_id_v IS NULL THEN 'basket_id'
            WHEN t.household_id_v IS NULL THEN 'household_id'
            WHEN t.store_id_v IS NULL THEN 'store_id'
            WHEN t.scanned_at_v IS NULL OR t.scanned_at_v < $earliest
                OR t.scanned_at_v > $latest THEN 'timestamp'
            WHEN t.product_id_v IS NULL THEN 'product_id'
            WHEN t.quantity_v IS NULL THEN 'quantity'
            WHEN t.amount_paid_v IS NULL THEN 'amount_paid'
            WHEN t.store_discount_v IS NULL THEN 'store_discount'
            WHEN t.coupon_discount_v IS NULL THEN 'coupon_discount'
            WHEN t.coupon_match_discount_v IS NULL THEN 'coupon_match_discount'
        END AS field
    FROM typed AS t
),

-- The rejected value as text (only computed for rejected rows).
valued AS (
    SELECT
        j.*,
        CASE WHEN j.reason IS NOT NULL THEN
            CAST(CASE j.field
                WHEN 'basket_id' THEN CAST(j.basket_id AS VARCHAR)
                WHEN 'household_id' THEN CAST(j.household_id AS VARCHAR)
                WHEN 'store_id' THEN CAST(j.store_id AS VARCHAR)
                WHEN 'timestamp' THEN CAST(j."timestamp" AS VARCHAR)
                WHEN 'product_id' THEN CAST(j.product_id AS VARCHAR)
                WHEN 'quantity' THEN CAST(j.quantity AS VARCHAR)
                WHEN 'amount_paid' THEN CAST(j.amount_paid AS VARCHAR)
                WHEN 'store_discount' THEN CAST(j.store_discount AS VARCHAR)
                WHEN 'coupon_discount' THEN CAST(j.coupon_discount AS VARCHAR)
                WHEN 'coupon_match_discount' THEN CAST(j.coupon_match_discount AS VARCHAR)
                ELSE j.surplus
            END AS VARCHAR)
        END AS bad_value
    FROM judged AS j
)

SELECT
    v.basket_id_v AS basket_id,
    v.product_id_v AS product_id,
    v.household_id_v AS household_id,
    v.store_id_v AS store_id,
    v.scanned_at_v AS scanned_at,
    v.quantity_v AS quantity,
    v.amount_paid_v AS amount_paid,
    v.store_discount_v AS store_discount,
    v.coupon_discount_v AS coupon_discount,
    v.coupon_match_discount_v AS coupon_match_discount,
    v.quantity_v < 0 AS is_return,
    v.reason,
    v.field,
    v.bad_value AS value,
    CAST(NULL AS VARCHAR) AS message
FROM valued AS v
