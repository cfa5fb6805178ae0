-- Rule: a household appears once in a file; a later row for the same household id is a
-- duplicate (a household already in the warehouse is not: the new row updates it).
-- Marks rows of `checked` that passed so far; reason duplicate_line.
UPDATE checked
SET reason = 'duplicate_line',
    field = 'household_id',
    value = CAST(household_id AS VARCHAR),
    message = 'household ' || CAST(household_id AS VARCHAR)
        || ' is listed more than once in this file'
WHERE reason IS NULL
    AND EXISTS (
        SELECT 1 FROM checked AS earlier
        WHERE earlier.reason IS NULL
            AND earlier.household_id = checked.household_id
            AND earlier.rowid < checked.rowid
    )
