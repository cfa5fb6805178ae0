-- Which offered lines of a run were bought in their window: the engine's lines, and the
-- same lines dealt out to the run's households at random.
--
-- Input relations: offered (household_id, product_id, deal_id, arm: 'engine' |
--   'random'): the offer lines to judge; deal_item (deal_id, product_id): every product in each deal's scope;
--   and the table scan_line. Parameters: $window_start, $window_end (TIMESTAMP: the list
--   window [start, end)).
-- Output: household_id, product_id, deal_id, arm, bought (TRUE when the household bought
--   the line's product in the window), bought_in_scope (TRUE when it bought any product in
--   the deal's scope in the window); one row per input row.
WITH bought_product AS (
    SELECT DISTINCT household_id, product_id
    FROM scan_line
    WHERE scanned_at >= $window_start AND scanned_at < $window_end AND quantity > 0
),

bought_in_scope AS (
    SELECT DISTINCT s.household_id, i.deal_id
    FROM bought_product AS s
    JOIN deal_item AS i ON i.product_id = s.product_id
)

SELECT
    o.household_id,
    o.product_id,
    o.deal_id,
    o.arm,
    p.household_id IS NOT NULL AS bought,
    b.household_id IS NOT NULL AS bought_in_scope
FROM offered AS o
LEFT JOIN bought_product AS p ON p.household_id = o.household_id AND p.product_id = o.product_id
LEFT JOIN bought_in_scope AS b ON b.household_id = o.household_id AND b.deal_id = o.deal_id
