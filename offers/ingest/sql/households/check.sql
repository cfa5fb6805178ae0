-- Row rule for households: check and type each row on its own.
--
-- Input relation `staged`: surplus VARCHAR, and the columns household_id, store_id,
--   card_numbers (several separated by ';'), name, address, postal_code, opted_out (text from
--   a CSV, the file's own types from Parquet).
-- Output: one row per staged row, in the same order: household_id, store_id, card_numbers
--   (the text), name, address, postal_code, opted_out BOOLEAN, and reason, field, value (all
--   NULL for a row that passes; quarantine.sql words the message).
-- opted_out accepts true/false, yes/no, y/n, 1/0 in any case; empty means false.
-- Reasons: malformed_row, missing_value, unparseable_value.
WITH cleaned AS (
    SELECT
        surplus,
        nullif(trim(CAST(household_id AS VARCHAR)), '') AS household_id,
        nullif(trim(CAST(store_id AS VARCHAR)), '') AS store_id,
        nullif(trim(CAST(card_numbers AS VARCHAR)), '') AS card_numbers,
        nullif(trim(CAST(name AS VARCHAR)), '') AS name,
        nullif(trim(CAST(address AS VARCHAR)), '') AS address,
        nullif(trim(CAST(postal_code AS VARCHAR)), '') AS postal_code,
        nullif(trim(CAST(opted_out AS VARCHAR)), '') AS opted_out
    FROM staged
),

typed AS (
    SELECT
        c.*,
        CASE
            WHEN try_cast(c.household_id AS DOUBLE) = try_cast(c.household_id AS BIGINT)
            THEN try_cast(c.household_id AS BIGINT)
        END AS household_id_v,
        CASE WHEN try_cast(c.store_id AS DOUBLE) = try_cast(c.store_id AS BIGINT)
            THEN try_cast(c.store_id AS BIGINT) END AS store_id_v,
        CASE
            WHEN c.opted_out IS NULL THEN FALSE
            WHEN lower(c.opted_out) IN ('true', 'yes', 'y', '1') THEN TRUE
            WHEN lower(c.opted_out) IN ('false', 'no', 'n', '0') THEN FALSE
        END AS opted_out_v
    FROM cleaned AS c
),

judged AS (
    SELECT
        t.*,
        CASE
            WHEN t.surplus IS NOT NULL THEN 'malformed_row'
            WHEN t.household_id IS NULL THEN 'missing_value'
            WHEN t.household_id_v IS NULL THEN 'unparseable_value'
            WHEN t.store_id IS NOT NULL AND t.store_id_v IS NULL THEN 'unparseable_value'
            WHEN t.opted_out_v IS NULL THEN 'unparseable_value'
        END AS reason,
        CASE
            WHEN t.surplus IS NOT NULL THEN NULL
            WHEN t.household_id_v IS NULL THEN 'household_id'
            WHEN t.store_id IS NOT NULL AND t.store_id_v IS NULL THEN 'store_id'
            WHEN t.opted_out_v IS NULL THEN 'opted_out'
        END AS field
    FROM typed AS t
)

SELECT
    j.household_id_v AS household_id,
    j.store_id_v AS store_id,
    j.card_numbers,
    j.name,
    j.address,
    j.postal_code,
    j.opted_out_v AS opted_out,
    j.reason,
    j.field,
    CASE j.field
        WHEN 'household_id' THEN j.household_id
        WHEN 'store_id' THEN j.store_id
        WHEN 'opted_out' THEN j.opted_out
        ELSE j.surplus
    END AS value,
    CAST(NULL AS VARCHAR) AS message
FROM judged AS j
