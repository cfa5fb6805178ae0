-- A run's lists as the lanes need them: no name, no address.
-- Parameters: $run_id.
-- Output: list_id, household_id, store_id (the household's home store; NULL when unknown),
-- valid_from, valid_to (DATE, last day inclusive).
SELECT s.list_id, s.household_id, h.store_id, p.valid_from, p.valid_to
FROM shopping_list AS s
JOIN plan_run AS p ON p.run_id = s.run_id
LEFT JOIN household AS h ON h.household_id = s.household_id
WHERE s.run_id = $run_id
ORDER BY s.list_id
