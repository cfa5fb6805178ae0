-- Treated and holdout households of every run that overlaps one of a manufacturer's
-- deals, with what each bought of the deal's scope inside the overlap: the incremental
-- effect compares the two arms.
-- Parameters: $manufacturer_id, $from, $to (DATE: deals running on a day of [from, to]).
-- Output: deal_id, run_id, household_id, arm ('treated' | 'holdout'), units (units of the
-- deal's scope bought in the overlap; 0 when none), spend (dollars).
-- Rules: the overlap is [greatest(deal, run first day), least(deal, run last day)], both
-- inclusive; the deal's scope as the view deal_scope has it (migration 5).
WITH deals AS (
    SELECT * FROM deal
    WHERE manufacturer_id = $manufacturer_id AND valid_from <= $to AND valid_to >= $from
),

scope AS (
    SELECT sc.deal_id, sc.product_id
    FROM deal_scope AS sc
    WHERE sc.deal_id IN (SELECT deal_id FROM deals)
),

windows AS (
    SELECT d.deal_id, r.run_id, greatest(d.valid_from, r.valid_from) AS first_day,
        least(d.valid_to, r.valid_to) AS last_day
    FROM deals AS d
    JOIN plan_run AS r ON r.valid_from <= d.valid_to AND r.valid_to >= d.valid_from
),

bought AS (
    SELECT w.deal_id, w.run_id, s.household_id,
        sum(CASE WHEN s.quantity > 0 THEN s.quantity ELSE 0 END) AS units,
        CAST(sum(s.amount_paid) AS DOUBLE) AS spend
    FROM windows AS w
    JOIN scope AS sc ON sc.deal_id = w.deal_id
    JOIN scan_line AS s ON s.product_id = sc.product_id
        AND s.scanned_at >= w.first_day AND s.scanned_at < w.last_day + INTERVAL 1 DAY
    GROUP BY 1, 2, 3
)

SELECT w.deal_id, w.run_id, h.household_id, h.arm,
    coalesce(b.units, 0) AS units, coalesce(b.spend, 0.0) AS spend
FROM windows AS w
JOIN run_household AS h ON h.run_id = w.run_id
LEFT JOIN bought AS b
    ON b.deal_id = w.deal_id AND b.run_id = w.run_id AND b.household_id = h.household_id
ORDER BY 1, 2, 3
