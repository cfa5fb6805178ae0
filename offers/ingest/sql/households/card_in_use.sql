-- Rule: a loyalty card belongs to one household. A row naming a card that belongs to another
-- household, in the warehouse or on an earlier row of this file, is rejected.
-- Marks rows of `checked` that passed so far; reason card_in_use.
UPDATE checked
SET reason = 'card_in_use',
    field = 'card_numbers',
    value = conflict.card_number,
    message = 'card ' || conflict.card_number || ' already belongs to another household'
FROM (
    SELECT row_cards.row_id, min(row_cards.card_number) AS card_number
    FROM (
        SELECT c.rowid AS row_id, c.household_id, trim(card.card_number) AS card_number
        FROM checked AS c,
            unnest(string_split(c.card_numbers, ';')) AS card(card_number)
        WHERE c.reason IS NULL AND trim(card.card_number) <> ''
    ) AS row_cards
    WHERE EXISTS (
        SELECT 1 FROM household_card AS owner
        WHERE owner.card_number = row_cards.card_number
            AND owner.household_id <> row_cards.household_id
    )
    OR EXISTS (
        SELECT 1
        FROM checked AS earlier,
            unnest(string_split(earlier.card_numbers, ';')) AS other(card_number)
        WHERE earlier.reason IS NULL
            AND earlier.rowid < row_cards.row_id
            AND earlier.household_id <> row_cards.household_id
            AND trim(other.card_number) = row_cards.card_number
    )
    GROUP BY row_cards.row_id
) AS conflict
WHERE checked.reason IS NULL AND checked.rowid = conflict.row_id
