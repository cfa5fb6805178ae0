-- Add or update the checked households that passed (reason IS NULL): three statements,
-- the household itself, its mailing contact (PII) and its loyalty cards (PII).
INSERT INTO household (household_id, store_id, opted_out)
SELECT household_id, store_id, opted_out
FROM checked
WHERE reason IS NULL
ON CONFLICT (household_id) DO UPDATE SET
    store_id = excluded.store_id,
    opted_out = excluded.opted_out;

INSERT INTO household_contact (household_id, name, address, postal_code)
SELECT household_id, name, address, postal_code
FROM checked
WHERE reason IS NULL AND (name IS NOT NULL OR address IS NOT NULL OR postal_code IS NOT NULL)
ON CONFLICT (household_id) DO UPDATE SET
    name = excluded.name,
    address = excluded.address,
    postal_code = excluded.postal_code;

INSERT INTO household_card (card_number, household_id)
SELECT DISTINCT trim(card.card_number), c.household_id
FROM checked AS c,
    unnest(string_split(c.card_numbers, ';')) AS card(card_number)
WHERE c.reason IS NULL AND c.card_numbers IS NOT NULL AND trim(card.card_number) <> ''
ON CONFLICT (card_number) DO NOTHING
