-- Redemption entries after the high-water mark, with the product of the line they came off.
-- Parameters: ?1 last entry_id synced.
-- Output: entry_id, sale_id, void_row (0: the sale's own entry), household_id, list_id,
-- line_number, deal_id, product_id, at, redemptions, discount_cents.
SELECT e.entry_id, e.sale_id, coalesce(e.void_row, 0) AS void_row, e.household_id,
    e.list_id, e.line_number, e.deal_id, l.product_id, e.at, e.redemptions, e.discount_cents
FROM redemption AS e
JOIN sale_line AS l ON l.sale_id = e.sale_id AND l.line_index = e.line_index
WHERE e.entry_id > ?1
ORDER BY e.entry_id
