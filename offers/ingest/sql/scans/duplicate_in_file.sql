-- Rule: one line per basket and product. A second line for the same pair in one file is a
-- duplicate; the first (lowest rowid, i.e. earliest in the file) loads.
-- Marks rows of `checked` that passed so far; reason duplicate_line.
UPDATE checked
SET reason = 'duplicate_line',
    field = 'product_id',
    value = CAST(checked.product_id AS VARCHAR),
    message = 'basket ' || CAST(checked.basket_id AS VARCHAR)
        || ' has another line for product ' || CAST(checked.product_id AS VARCHAR)
        || ' earlier in this file'
FROM (
    SELECT basket_id, product_id
    FROM checked
    WHERE reason IS NULL
    GROUP BY basket_id, product_id
    HAVING count(*) > 1
) AS repeated
WHERE checked.reason IS NULL
    AND checked.basket_id = repeated.basket_id
    AND checked.product_id = repeated.product_id
    AND checked.rowid > (
        SELECT min(earliest.rowid) FROM checked AS earliest
        WHERE earliest.reason IS NULL
            AND earliest.basket_id = repeated.basket_id
            AND earliest.product_id = repeated.product_id
    )
