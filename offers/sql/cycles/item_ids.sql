-- The items at a level, in order: their position is the item_key of occasion_lines.sql.
--
-- Input table: product. Parameter: $level ('product' or 'subcategory').
-- Output: item_id (text: the product id, in numeric order; or the sub-category name, in
--   text order; products without one are left out).
SELECT item_id
FROM (
    SELECT
        CASE WHEN $level = 'product' THEN CAST(product_id AS VARCHAR) ELSE subcategory END
            AS item_id,
        CASE WHEN $level = 'product' THEN product_id END AS product_order
    FROM product
    WHERE $level = 'product' OR subcategory IS NOT NULL
) AS items
GROUP BY item_id
ORDER BY min(product_order), item_id
