-- Rule: a deal appears once in a file; a later row with the same deal id is a duplicate
-- (a deal already in the warehouse is not: the new row replaces it).
-- Marks rows of `checked` that passed so far; reason duplicate_line.
UPDATE checked
SET reason = 'duplicate_line',
    field = 'deal_id',
    value = deal_id,
    message = 'deal ' || deal_id || ' is listed more than once in this file'
WHERE reason IS NULL
    AND EXISTS (
        SELECT 1 FROM checked AS earlier
        WHERE earlier.reason IS NULL
            AND earlier.deal_id = checked.deal_id
            AND earlier.rowid < checked.rowid
    )
