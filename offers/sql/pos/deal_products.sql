-- Every product in the scope of a deal that a run's lists carry: the offer redeems on any
-- of them, not only on the product the list printed.
-- Parameters: $run_id.
-- Output: deal_id, product_id.
-- Rule: the deal's scope as the view deal_scope has it (migration 5).
SELECT DISTINCT sc.deal_id, sc.product_id
FROM list_line AS l
JOIN shopping_list AS s ON s.list_id = l.list_id
JOIN deal_scope AS sc ON sc.deal_id = l.deal_id
WHERE s.run_id = $run_id
ORDER BY 1, 2
