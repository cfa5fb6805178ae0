-- The lists of a run, one row per treated household, in delivery order: by store, then
-- postal code, then household. Carries what the top of the page prints, PII included
-- (name, card number, postal code): for printing only, never for a vendor.
-- Parameters: $run_id.
-- Output: list_id, household_id, tier, store_id, name, postal_code, card_number (the
-- household's lowest card number; NULL without a card), valid_from, valid_to (last day,
-- inclusive), face_value (dollars), run_number.
WITH first_card AS (
    SELECT household_id, min(card_number) AS card_number
    FROM household_card
    GROUP BY household_id
)
SELECT
    s.list_id,
    s.household_id,
    r.tier,
    h.store_id,
    c.name,
    c.postal_code,
    k.card_number,
    p.valid_from,
    p.valid_to,
    CAST(s.face_value AS DOUBLE) AS face_value,
    p.run_number
FROM shopping_list AS s
JOIN plan_run AS p ON p.run_id = s.run_id
JOIN run_household AS r ON r.run_id = s.run_id AND r.household_id = s.household_id
LEFT JOIN household AS h ON h.household_id = s.household_id
LEFT JOIN household_contact AS c ON c.household_id = s.household_id
LEFT JOIN first_card AS k ON k.household_id = s.household_id
WHERE s.run_id = $run_id
ORDER BY h.store_id NULLS LAST, c.postal_code NULLS LAST, s.household_id
