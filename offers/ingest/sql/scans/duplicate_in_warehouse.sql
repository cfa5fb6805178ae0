-- Rule: one line per basket and product across files: a line whose basket already has a line
-- for that product in the warehouse is a duplicate. Only loaded baskets within this file's
-- range of basket ids can clash, so only those are read.
-- Marks rows of `checked` that passed so far; reason duplicate_line.
UPDATE checked
SET reason = 'duplicate_line',
    field = 'product_id',
    value = CAST(checked.product_id AS VARCHAR),
    message = 'basket ' || CAST(checked.basket_id AS VARCHAR)
        || ' already has a line for product ' || CAST(checked.product_id AS VARCHAR)
        || ' in the warehouse'
FROM (
    SELECT s.basket_id, s.product_id
    FROM scan_line AS s
    WHERE s.basket_id BETWEEN (SELECT min(basket_id) FROM checked)
        AND (SELECT max(basket_id) FROM checked)
) AS loaded
WHERE checked.reason IS NULL
    AND checked.basket_id = loaded.basket_id
    AND checked.product_id = loaded.product_id
