-- A run's offers by deal, against each deal's budget cap.
-- Input tables: deal, shopping_list, list_line. Parameter: $run_id.
-- Output: deal_id, description, manufacturer_id, target_kind, lines, expected_redemptions
--   (sum of p_redeem), expected_cost (dollars: sum of p_redeem x face value), budget_cap
--   (dollars, NULL: none), cap_used (share 0-1 of the cap this run's expected cost takes,
--   NULL without a cap); deals with lines in the run, most expected cost first.
SELECT
    d.deal_id,
    d.description,
    d.manufacturer_id,
    d.target_kind,
    count(*) AS lines,
    sum(l.p_redeem) AS expected_redemptions,
    sum(l.p_redeem * CAST(l.face_value AS DOUBLE)) AS expected_cost,
    CAST(d.budget_cap AS DOUBLE) AS budget_cap,
    sum(l.p_redeem * CAST(l.face_value AS DOUBLE)) / CAST(d.budget_cap AS DOUBLE) AS cap_used
FROM list_line AS l
JOIN shopping_list AS s ON s.list_id = l.list_id
JOIN deal AS d ON d.deal_id = l.deal_id
WHERE s.run_id = $run_id
GROUP BY d.deal_id, d.description, d.manufacturer_id, d.target_kind, d.budget_cap
ORDER BY expected_cost DESC, d.deal_id
