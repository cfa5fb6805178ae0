-- A run's lists by value tier.
-- Input tables: run_household, shopping_list, list_line. Parameter: $run_id.
-- Output: tier, treated, holdout (households), lists, lines, offers (lines with a deal),
--   face_value (dollars, all lists), face_per_list (dollars), max_face (dollars, the
--   fullest list), in tier order.
WITH lines AS (
    SELECT
        s.household_id,
        count(*) AS lines,
        count(l.deal_id) AS offers,
        sum(l.face_value) AS face_value
    FROM shopping_list AS s
    JOIN list_line AS l ON l.list_id = s.list_id
    WHERE s.run_id = $run_id
    GROUP BY s.household_id
)

SELECT
    h.tier,
    count(*) FILTER (WHERE h.arm = 'treated') AS treated,
    count(*) FILTER (WHERE h.arm = 'holdout') AS holdout,
    count(ln.household_id) AS lists,
    CAST(coalesce(sum(ln.lines), 0) AS BIGINT) AS lines,
    CAST(coalesce(sum(ln.offers), 0) AS BIGINT) AS offers,
    CAST(coalesce(sum(ln.face_value), 0) AS DOUBLE) AS face_value,
    CAST(coalesce(avg(ln.face_value), 0) AS DOUBLE) AS face_per_list,
    CAST(coalesce(max(ln.face_value), 0) AS DOUBLE) AS max_face
FROM run_household AS h
LEFT JOIN lines AS ln ON ln.household_id = h.household_id
WHERE h.run_id = $run_id
GROUP BY h.tier
ORDER BY h.tier
