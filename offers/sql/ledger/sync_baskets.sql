-- Sales and voids after the warehouse's high-water marks, as baskets, oldest first.
-- Parameters: ?1 last sale_id synced, ?2 last void_row synced.
-- Output: sale_id, void_row (0 for a sale), store_id, transaction_id, void_id (NULL for a
-- sale), household_id, list_id, scanned_at (a sale: when rung up; a void: when received).
SELECT sale_id, 0 AS void_row, store_id, transaction_id, NULL AS void_id, household_id,
    list_id, occurred_at AS scanned_at
FROM sale
WHERE sale_id > ?1
UNION ALL
SELECT v.sale_id, v.void_row, s.store_id, s.transaction_id, v.void_id, s.household_id,
    s.list_id, v.received_at AS scanned_at
FROM void AS v
JOIN sale AS s ON s.sale_id = v.sale_id
WHERE v.void_row > ?2
ORDER BY void_row, sale_id
