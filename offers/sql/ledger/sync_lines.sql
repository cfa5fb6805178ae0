-- The scan lines of the baskets after the high-water marks: one per basket and product.
-- Parameters: ?1 last sale_id synced, ?2 last void_row synced.
-- Output: sale_id, void_row (0 for a sale), product_id, quantity (negative for a return),
-- paid_cents (after discounts; negative for a refund), coupon_cents (the offers' discount;
-- negative when a void reverses it).
-- Rules: a sale line pays quantity x unit price less its discount; a returned unit is
-- refunded its price less the discount the void reversed.
WITH discounts AS (
    SELECT sale_id, coalesce(void_row, 0) AS void_row, line_index,
        sum(discount_cents) AS cents
    FROM redemption
    WHERE (void_row IS NULL AND sale_id > ?1) OR void_row > ?2
    GROUP BY 1, 2, 3
),

moved AS (
    SELECT l.sale_id, 0 AS void_row, l.line_index, l.product_id, l.quantity, l.unit_cents
    FROM sale_line AS l
    WHERE l.sale_id > ?1
    UNION ALL
    SELECT v.sale_id, v.void_row, r.line_index, l.product_id, -r.quantity, l.unit_cents
    FROM void_line AS r
    JOIN void AS v ON v.void_row = r.void_row
    JOIN sale_line AS l ON l.sale_id = v.sale_id AND l.line_index = r.line_index
    WHERE v.void_row > ?2
)

SELECT m.sale_id, m.void_row, m.product_id, sum(m.quantity) AS quantity,
    sum(m.quantity * m.unit_cents - coalesce(d.cents, 0)) AS paid_cents,
    sum(coalesce(d.cents, 0)) AS coupon_cents
FROM moved AS m
LEFT JOIN discounts AS d
    ON d.sale_id = m.sale_id AND d.void_row = m.void_row AND d.line_index = m.line_index
GROUP BY 1, 2, 3
ORDER BY 2, 1, 3
