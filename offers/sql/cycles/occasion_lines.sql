-- Scan lines before as-of that count toward purchase occasions, unsorted.
--
-- Input tables: scan_line, product_item (the rows of product_items.sql, which
--   offers/occasions.py puts in front of this query). Parameter: $as_of (TIMESTAMP: only
--   scans strictly before it count).
-- Output: household_id, item_key (the item's position, as product_item gives it), day
--   (days since 1970-01-01), quantity (units on the line).
-- Returns (quantity 0 or less) and products with no item at the level are left out.
SELECT
    s.household_id,
    i.item_key,
    CAST(s.scanned_at AS DATE) - DATE '1970-01-01' AS day,
    CAST(s.quantity AS BIGINT) AS quantity
FROM scan_line AS s
JOIN product_item AS i ON i.product_id = s.product_id
WHERE s.scanned_at < $as_of AND s.quantity > 0
