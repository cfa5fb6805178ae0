-- Rule: a deal's scope names products the store sells: every product id of a product
-- scope, the brand of a brand scope, the category of a category scope is in `product`.
-- Marks rows of `checked` that passed so far; reason unknown_scope (a product scope's
-- message names its lowest unknown id).
UPDATE checked
SET reason = 'unknown_scope',
    field = 'scope_value',
    value = checked.scope_value,
    message = CASE
        WHEN unknown.product_id IS NOT NULL THEN 'product ' || CAST(unknown.product_id AS VARCHAR)
            || ' of the scope is not in the product list'
        ELSE 'no product of the ' || checked.scope_kind || ' ''' || checked.scope_value
            || ''' is in the product list'
    END
FROM (
    SELECT c.rowid AS checked_row, min(try_cast(id.x AS BIGINT)) AS product_id
    FROM checked AS c, unnest(string_split(c.scope_value, ' ')) AS id(x)
    WHERE c.reason IS NULL AND c.scope_kind = 'product'
        AND NOT EXISTS (SELECT 1 FROM product AS p WHERE p.product_id = try_cast(id.x AS BIGINT))
    GROUP BY c.rowid
    UNION ALL
    SELECT c.rowid, NULL
    FROM checked AS c
    WHERE c.reason IS NULL AND (
        (c.scope_kind = 'brand'
            AND NOT EXISTS (SELECT 1 FROM product AS p WHERE p.brand = c.scope_value))
        OR (c.scope_kind = 'category'
            AND NOT EXISTS (SELECT 1 FROM product AS p WHERE p.category = c.scope_value))
    )
) AS unknown
WHERE checked.rowid = unknown.checked_row
