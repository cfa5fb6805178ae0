-- Rule: a product appears once in a file; a later row for the same product id is a duplicate
-- (a product already in the warehouse is not: the new row updates it).
-- Marks rows of `checked` that passed so far; reason duplicate_line.
UPDATE checked
SET reason = 'duplicate_line',
    field = 'product_id',
    value = CAST(product_id AS VARCHAR),
    message = 'product ' || CAST(product_id AS VARCHAR)
        || ' is listed more than once in this file'
WHERE reason IS NULL
    AND EXISTS (
        SELECT 1 FROM checked AS earlier
        WHERE earlier.reason IS NULL
            AND earlier.product_id = checked.product_id
            AND earlier.rowid < checked.rowid
    )
