-- The rows of a manufacturer's row-level extract before they are pseudonymised and
-- coarsened (offers/reports/extract.py): one per household x category of $categories, for every household that bought in the category in the 52 weeks before the
-- end of the period or whose list carried one of the manufacturer's deals in it, except
-- the households that opted out (their rows are not shared, even under a pseudonym).
-- Relations read: segments_at_end, segments_at_start (brand_segments output: household_id,
--   category, brand_segment, usage), tiers (household_id, tier), besides the warehouse.
-- Parameters: $manufacturer_id; $categories (VARCHAR[]: the categories reported); $from,
--   $to (DATE: the period, both inclusive);
--   $first_time, $end_time (TIMESTAMP: [from, to + 1 day)).
-- Output: household_id, category, brand_segment (at the end; 'not buying' when none),
--   brand_segment_at_start ('not buying' when none), usage (NULL when unsegmented or not
--   buying), tier (NULL: no tier), arm ('treated' when treated in a run overlapping the
--   period, else 'holdout' when held out in one, else 'not planned'), lists (lists of
--   those runs carrying the manufacturer's deals in the category), redemptions (net, of
--   its deals on the category's products in the period), units (bought in the category
--   in the period, returns left out), spend (dollars, net of returns), manufacturer_spend
--   (dollars, net of returns).
WITH runs AS (
    SELECT run_id FROM plan_run WHERE valid_from <= $to AND valid_to >= $from
),

arms AS (
    SELECT household_id,
        CASE WHEN bool_or(arm = 'treated') THEN 'treated' ELSE 'holdout' END AS arm
    FROM run_household
    WHERE run_id IN (SELECT run_id FROM runs)
    GROUP BY household_id
),

carried AS (
    SELECT s.household_id, l.category, count(DISTINCT s.list_id) AS lists
    FROM shopping_list AS s
    JOIN list_line AS l ON l.list_id = s.list_id
    JOIN deal AS d ON d.deal_id = l.deal_id
    WHERE s.run_id IN (SELECT run_id FROM runs) AND d.manufacturer_id = $manufacturer_id
    GROUP BY s.household_id, l.category
),

redeemed AS (
    SELECT r.household_id, p.category, sum(r.redemptions) AS redemptions
    FROM redemption AS r
    JOIN deal AS d ON d.deal_id = r.deal_id
    JOIN product AS p ON p.product_id = r.product_id
    WHERE d.manufacturer_id = $manufacturer_id
        AND r.redeemed_at >= $first_time AND r.redeemed_at < $end_time
    GROUP BY r.household_id, p.category
),

bought AS (
    SELECT s.household_id, p.category,
        sum(CASE WHEN s.quantity > 0 THEN s.quantity ELSE 0 END) AS units,
        CAST(sum(s.amount_paid) AS DOUBLE) AS spend,
        CAST(sum(CASE WHEN p.manufacturer_id = $manufacturer_id THEN s.amount_paid ELSE 0 END)
            AS DOUBLE) AS manufacturer_spend
    FROM scan_line AS s
    JOIN product AS p ON p.product_id = s.product_id
    WHERE s.scanned_at >= $first_time AND s.scanned_at < $end_time
        AND list_contains($categories, p.category)
    GROUP BY s.household_id, p.category
),

base AS (
    SELECT household_id, category
    FROM (
        SELECT household_id, category FROM segments_at_end
        UNION
        SELECT household_id, category FROM carried
    ) AS everyone
    WHERE list_contains($categories, category)
        AND household_id NOT IN (SELECT household_id FROM household WHERE opted_out)
)

SELECT b.household_id, b.category,
    coalesce(e.brand_segment, 'not buying') AS brand_segment,
    coalesce(s.brand_segment, 'not buying') AS brand_segment_at_start,
    e.usage,
    t.tier,
    coalesce(a.arm, 'not planned') AS arm,
    coalesce(c.lists, 0) AS lists,
    coalesce(r.redemptions, 0) AS redemptions,
    coalesce(bo.units, 0) AS units,
    coalesce(bo.spend, 0.0) AS spend,
    coalesce(bo.manufacturer_spend, 0.0) AS manufacturer_spend
FROM base AS b
LEFT JOIN segments_at_end AS e ON e.household_id = b.household_id AND e.category = b.category
LEFT JOIN segments_at_start AS s
    ON s.household_id = b.household_id AND s.category = b.category
LEFT JOIN tiers AS t ON t.household_id = b.household_id
LEFT JOIN arms AS a ON a.household_id = b.household_id
LEFT JOIN carried AS c ON c.household_id = b.household_id AND c.category = b.category
LEFT JOIN redeemed AS r ON r.household_id = b.household_id AND r.category = b.category
LEFT JOIN bought AS bo ON bo.household_id = b.household_id AND bo.category = b.category
ORDER BY b.household_id, b.category
