-- What each household of a run bought lately, for matching non-price rewards (a recipe,
-- a tip) to it: dollars spent per department x category in [$since, $as_of).
-- Parameters: $run_id, $since, $as_of (timestamps).
-- Output: household_id, department, category, spend (dollars; returns subtract).
SELECT
    x.household_id,
    p.department,
    p.category,
    CAST(sum(x.amount_paid) AS DOUBLE) AS spend
FROM shopping_list AS s
JOIN scan_line AS x ON x.household_id = s.household_id
JOIN product AS p ON p.product_id = x.product_id
WHERE s.run_id = $run_id
    AND x.scanned_at >= $since
    AND x.scanned_at < $as_of
GROUP BY x.household_id, p.department, p.category
