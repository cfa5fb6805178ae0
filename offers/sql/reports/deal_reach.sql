-- How far each of a manufacturer's deals reached, by the cell of the household that
-- carried it: lists carrying it and households redeeming it.
-- Parameters: $manufacturer_id, $from, $to (DATE: deals running on a day of [from, to]).
-- Output: deal_id, category, brand_segment, usage (the household's cell in the line's
-- category when the list was planned; NULL: unsegmented), households (carrying it),
-- redeemers (households with a net redemption), redemptions, discount (dollars).
WITH carried AS (
    SELECT DISTINCT l.deal_id, s.household_id, l.category, l.brand_segment, l.usage
    FROM list_line AS l
    JOIN shopping_list AS s ON s.list_id = l.list_id
    JOIN deal AS d ON d.deal_id = l.deal_id
    WHERE d.manufacturer_id = $manufacturer_id AND d.valid_from <= $to AND d.valid_to >= $from
),

redeemed AS (
    SELECT deal_id, household_id, sum(redemptions) AS redemptions,
        CAST(sum(discount) AS DOUBLE) AS discount
    FROM redemption
    GROUP BY 1, 2
    HAVING sum(redemptions) > 0
)

SELECT
    c.deal_id,
    c.category,
    c.brand_segment,
    c.usage,
    count(*) AS households,
    count(r.household_id) AS redeemers,
    coalesce(sum(r.redemptions), 0) AS redemptions,
    coalesce(sum(r.discount), 0) AS discount
FROM carried AS c
LEFT JOIN redeemed AS r ON r.deal_id = c.deal_id AND r.household_id = c.household_id
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
