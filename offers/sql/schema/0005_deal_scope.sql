-- Migration 5: every product each deal covers, as a view, so the queries that need a
-- deal's scope (deal_items.sql, pos/deal_products.sql, reports/deal_outcomes.sql) share
-- one rule: scope_kind 'product' lists product ids separated by spaces; 'brand' and
-- 'category' cover every product of that brand or category.
CREATE VIEW deal_scope AS
SELECT d.deal_id, CAST(id.x AS BIGINT) AS product_id
FROM deal AS d, unnest(string_split(d.scope_value, ' ')) AS id(x)
WHERE d.scope_kind = 'product' AND id.x <> ''
UNION
SELECT d.deal_id, p.product_id
FROM deal AS d
JOIN product AS p ON p.brand = d.scope_value
WHERE d.scope_kind = 'brand'
UNION
SELECT d.deal_id, p.product_id
FROM deal AS d
JOIN product AS p ON p.category = d.scope_value
WHERE d.scope_kind = 'category';
