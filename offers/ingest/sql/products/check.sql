-- Row rule for products: check and type each row on its own.
--
-- Input relation `staged`: surplus VARCHAR, and the columns product_id, description, brand,
--   brand_type, manufacturer_id, department, category, subcategory, size (text from a CSV,
--   the file's own types from Parquet).
-- Output: one row per staged row, in the same order: the typed product columns, and reason,
--   field, value (all NULL for a row that passes; quarantine.sql words the message).
-- brand_type accepts national, national brand, or store / store brand / private / private
--   label / own label, in any case; it is stored as 'national' or 'store'.
-- Reasons: malformed_row, missing_value, unparseable_value.
WITH cleaned AS (
    SELECT
        surplus,
        nullif(trim(CAST(product_id AS VARCHAR)), '') AS product_id,
        nullif(trim(CAST(description AS VARCHAR)), '') AS description,
        nullif(trim(CAST(brand AS VARCHAR)), '') AS brand,
        nullif(trim(CAST(brand_type AS VARCHAR)), '') AS brand_type,
        nullif(trim(CAST(manufacturer_id AS VARCHAR)), '') AS manufacturer_id,
        nullif(trim(CAST(department AS VARCHAR)), '') AS department,
        nullif(trim(CAST(category AS VARCHAR)), '') AS category,
        nullif(trim(CAST(subcategory AS VARCHAR)), '') AS subcategory,
        nullif(trim(CAST(size AS VARCHAR)), '') AS size
    FROM staged
),

typed AS (
    SELECT
        c.*,
        CASE WHEN try_cast(c.product_id AS DOUBLE) = try_cast(c.product_id AS BIGINT)
            THEN try_cast(c.product_id AS BIGINT) END AS product_id_v,
        CASE lower(c.brand_type)
            WHEN 'national' THEN 'national'
            WHEN 'national brand' THEN 'national'
            WHEN 'store' THEN 'store'
            WHEN 'store brand' THEN 'store'
            WHEN 'private' THEN 'store'
            WHEN 'private label' THEN 'store'
            WHEN 'own label' THEN 'store'
        END AS brand_type_v,
        CASE
            WHEN try_cast(c.manufacturer_id AS DOUBLE) = try_cast(c.manufacturer_id AS BIGINT)
            THEN try_cast(c.manufacturer_id AS BIGINT)
        END AS manufacturer_id_v
    FROM cleaned AS c
),

judged AS (
    SELECT
        t.*,
        CASE
            WHEN t.surplus IS NOT NULL THEN 'malformed_row'
            WHEN t.product_id IS NULL THEN 'missing_value'
            WHEN t.product_id_v IS NULL THEN 'unparseable_value'
            WHEN t.brand_type IS NULL THEN 'missing_value'
            WHEN t.brand_type_v IS NULL THEN 'unparseable_value'
            WHEN t.manufacturer_id IS NOT NULL AND t.manufacturer_id_v IS NULL
                THEN 'unparseable_value'
        END AS reason,
        CASE
            WHEN t.surplus IS NOT NULL THEN NULL
            WHEN t.product_id_v IS NULL THEN 'product_id'
            WHEN t.brand_type_v IS NULL THEN 'brand_type'
            WHEN t.manufacturer_id IS NOT NULL AND t.manufacturer_id_v IS NULL
                THEN 'manufacturer_id'
        END AS field
    FROM typed AS t
)

SELECT
    j.product_id_v AS product_id,
    j.description,
    j.brand,
    j.brand_type_v AS brand_type,
    j.manufacturer_id_v AS manufacturer_id,
    j.department,
    j.category,
    j.subcategory,
    j.size,
    j.reason,
    j.field,
    CASE j.field
        WHEN 'product_id' THEN j.product_id
        WHEN 'brand_type' THEN j.brand_type
        WHEN 'manufacturer_id' THEN j.manufacturer_id
        ELSE j.surplus
    END AS value,
    CAST(NULL AS VARCHAR) AS message
FROM judged AS j
