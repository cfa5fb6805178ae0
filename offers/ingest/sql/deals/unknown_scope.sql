-- Rule: a deal's scope names products the store sells: every product id of a product
-- scope, the brand of a brand scope, the category of a category scope is in `product`.
-- Marks rows of `checked` that passed so far; reason unknown_scope.
UPDATE checked
SET reason = 'unknown_scope',
    field = 'scope_value',
    value = scope_value,
    message = CASE scope_kind
        WHEN 'product' THEN 'product ' || (
            SELECT CAST(min(try_cast(id.x AS BIGINT)) AS VARCHAR)
            FROM unnest(string_split(checked.scope_value, ' ')) AS id(x)
            WHERE NOT EXISTS (SELECT 1 FROM product AS p WHERE p.product_id = try_cast(id.x AS BIGINT))
        ) || ' of the scope is not in the product list'
        ELSE 'no product of the ' || scope_kind || ' ''' || scope_value
            || ''' is in the product list'
    END
WHERE reason IS NULL
    AND CASE scope_kind
        WHEN 'product' THEN EXISTS (
            SELECT 1 FROM unnest(string_split(checked.scope_value, ' ')) AS id(x)
            WHERE NOT EXISTS (SELECT 1 FROM product AS p WHERE p.product_id = try_cast(id.x AS BIGINT))
        )
        WHEN 'brand' THEN NOT EXISTS (
            SELECT 1 FROM product AS p WHERE p.brand = checked.scope_value
        )
        ELSE NOT EXISTS (SELECT 1 FROM product AS p WHERE p.category = checked.scope_value)
    END
