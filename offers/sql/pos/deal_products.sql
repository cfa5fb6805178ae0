-- Every product in the scope of a deal that a run's lists carry: the offer redeems on any
-- of them, not only on the product the list printed.
-- Parameters: $run_id.
-- Output: deal_id, product_id.
-- Rule: scope_kind 'product' lists product ids separated by spaces; 'brand' and
-- 'category' cover every product of that brand or category.
WITH carried AS (
    SELECT DISTINCT d.deal_id, d.scope_kind, d.scope_value
    FROM list_line AS l
    JOIN shopping_list AS s ON s.list_id = l.list_id
    JOIN deal AS d ON d.deal_id = l.deal_id
    WHERE s.run_id = $run_id
)

SELECT c.deal_id, CAST(id.x AS BIGINT) AS product_id
FROM carried AS c, unnest(string_split(c.scope_value, ' ')) AS id(x)
WHERE c.scope_kind = 'product' AND id.x <> ''
UNION
SELECT c.deal_id, p.product_id
FROM carried AS c
JOIN product AS p ON p.brand = c.scope_value
WHERE c.scope_kind = 'brand'
UNION
SELECT c.deal_id, p.product_id
FROM carried AS c
JOIN product AS p ON p.category = c.scope_value
WHERE c.scope_kind = 'category'
ORDER BY 1, 2
