-- What a simulated lane day draws baskets from: every household of the run (treated and
-- holdout alike) with what it would show at the lane, the products it usually buys, its
-- list's offered products, and every product's usual price.
-- Parameters: $run_id, $price_start, $as_of (TIMESTAMP: scans in [price_start, as_of) set
--   a product's usual price and a household's usual products).
-- Output: household_id (NULL for a price row), store_id (the household's home store),
--   list_id (its list in the run; NULL: none, it shows its card), card_number (its
--   lowest-numbered card; NULL: none), kind ('list' | 'usual' | 'price'), product_id,
--   price (dollars: dollars paid / units).
-- Ordered by household, kind, product, so that a seeded draw over it repeats.
WITH priced AS (
    SELECT product_id, round(sum(amount_paid) / sum(quantity), 2) AS price
    FROM scan_line
    WHERE scanned_at >= $price_start AND scanned_at < $as_of AND quantity > 0
        AND amount_paid > 0
    GROUP BY product_id
),

households AS (
    SELECT r.household_id, h.store_id, s.list_id,
        (SELECT min(c.card_number) FROM household_card AS c
         WHERE c.household_id = r.household_id) AS card_number
    FROM run_household AS r
    LEFT JOIN household AS h ON h.household_id = r.household_id
    LEFT JOIN shopping_list AS s ON s.run_id = r.run_id AND s.household_id = r.household_id
    WHERE r.run_id = $run_id
),

usual AS (
    SELECT DISTINCT household_id, product_id
    FROM scan_line
    WHERE scanned_at >= $price_start AND scanned_at < $as_of AND quantity > 0
        AND household_id IN (SELECT household_id FROM households)
)

SELECT h.household_id, h.store_id, h.list_id, h.card_number, 'list' AS kind,
    l.product_id, p.price
FROM households AS h
JOIN list_line AS l ON l.list_id = h.list_id
JOIN priced AS p ON p.product_id = l.product_id
UNION ALL
SELECT h.household_id, h.store_id, h.list_id, h.card_number, 'usual', u.product_id, p.price
FROM households AS h
JOIN usual AS u ON u.household_id = h.household_id
JOIN priced AS p ON p.product_id = u.product_id
UNION ALL
SELECT NULL, NULL, NULL, NULL, 'price', product_id, price
FROM priced
ORDER BY 1 NULLS LAST, 5, 6
