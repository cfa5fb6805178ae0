-- Rule: a scan line's household must be on file (loaded from a households file first).
-- Marks rows of `checked` that passed so far; reason missing_household.
UPDATE checked
SET reason = 'missing_household',
    field = 'household_id',
    value = CAST(household_id AS VARCHAR),
    message = 'household ' || CAST(household_id AS VARCHAR)
        || ' has no household record (load its households file first)'
WHERE reason IS NULL
    AND NOT EXISTS (SELECT 1 FROM household AS h WHERE h.household_id = checked.household_id)
