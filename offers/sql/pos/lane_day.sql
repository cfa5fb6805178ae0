-- What a simulated lane day draws baskets from: each list's offered products and every
-- product's usual price.
-- Parameters: $run_id, $price_start, $as_of (TIMESTAMP: scans in [price_start, as_of) set
--   a product's usual price).
-- Output: list_id, household_id, store_id, product_id (the line's product; NULL for a
--   price row), price (dollars: dollars paid / units; for a list row the line product's).
WITH priced AS (
    SELECT product_id, round(sum(amount_paid) / sum(quantity), 2) AS price
    FROM scan_line
    WHERE scanned_at >= $price_start AND scanned_at < $as_of AND quantity > 0
        AND amount_paid > 0
    GROUP BY product_id
)

SELECT s.list_id, s.household_id, h.store_id, l.product_id, p.price
FROM shopping_list AS s
JOIN list_line AS l ON l.list_id = s.list_id
LEFT JOIN household AS h ON h.household_id = s.household_id
JOIN priced AS p ON p.product_id = l.product_id
WHERE s.run_id = $run_id
UNION ALL
SELECT NULL, NULL, NULL, product_id, price
FROM priced
ORDER BY 1 NULLS LAST, 4
