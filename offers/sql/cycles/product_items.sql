-- Every product's item at a level, and the item's position in the level's order.
--
-- Input table: product. Parameter: $level ('product': an item is a product id;
--   'subcategory': an item is the product's sub-category; products without one are left
--   out).
-- Output: product_id, item_id (text: the product id, or the sub-category name), item_key
--   (0-based position of the item: product ids in numeric order, sub-categories in text
--   order).
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

SELECT i.product_id, k.item_id, k.item_key
FROM item AS i
JOIN item_key AS k ON k.item_id = i.item_id
