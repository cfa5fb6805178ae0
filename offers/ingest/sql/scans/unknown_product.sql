-- Rule: a scan line's product must be in the product list (loaded from a products file first).
-- Marks rows of `checked` that passed so far; reason unknown_product.
UPDATE checked
SET reason = 'unknown_product',
    field = 'product_id',
    value = CAST(product_id AS VARCHAR),
    message = 'product ' || CAST(product_id AS VARCHAR)
        || ' is not in the product list (load its products file first)'
WHERE reason IS NULL
    AND NOT EXISTS (SELECT 1 FROM product AS p WHERE p.product_id = checked.product_id)
