-- Scan lines before as-of that count toward purchase occasions, unsorted.
--
-- Input tables: scan_line, product. Parameters: $as_of (TIMESTAMP: only scans strictly
--   before it count), $level ('product': an item is a product id; 'subcategory': an item is
--   the product's sub-category; products without one are left out).
-- Output: household_id, item_key (0-based position of the item in item_ids.sql's order:
--   product ids in numeric order, sub-categories in text order), day (days since
--   1970-01-01), quantity (units on the line).
-- Returns (quantity 0 or less) are left out.
WITH item AS (
    SELECT
        product_id,
        CASE WHEN $level = 'product' THEN CAST(product_id AS VARCHAR) ELSE subcategory END
            AS item_id,
        CASE WHEN $level = 'product' THEN product_id END AS product_order
    FROM product
    WHERE $level = 'product' OR subcategory IS NOT NULL
),

item_key AS (
    SELECT item_id, row_number() OVER (ORDER BY min(product_order), item_id) - 1 AS item_key
    FROM item
    GROUP BY item_id
)

SELECT
    s.household_id,
    k.item_key,
    CAST(s.scanned_at AS DATE) - DATE '1970-01-01' AS day,
    CAST(s.quantity AS BIGINT) AS quantity
FROM scan_line AS s
JOIN item AS i ON i.product_id = s.product_id
JOIN item_key AS k ON k.item_id = i.item_id
WHERE s.scanned_at < $as_of AND s.quantity > 0
