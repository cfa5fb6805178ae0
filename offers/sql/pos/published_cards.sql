-- Every loyalty card, by the SHA-256 of its number (the ledger never holds the number),
-- with the household's home store: a card with no live list still records its basket,
-- so the next list is built from it.
-- Output: card_sha256 (hex), household_id, store_id.
SELECT sha256(c.card_number) AS card_sha256, c.household_id, h.store_id
FROM household_card AS c
LEFT JOIN household AS h ON h.household_id = c.household_id
ORDER BY 1
