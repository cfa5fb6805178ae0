-- Add or replace the checked deals that passed (reason IS NULL): a deal loaded again from a
-- new file takes that file's terms. Parameter: $file_id.
INSERT INTO deal (
    deal_id, description, manufacturer_id, scope_kind, scope_value, offer_kind, offer_value,
    buy_x, get_y, funding_per_redemption, budget_cap, valid_from, valid_to,
    limit_per_household, target_kind, target_segment, target_usage, file_id
)
SELECT
    deal_id, description, manufacturer_id, scope_kind, scope_value, offer_kind, offer_value,
    buy_x, get_y, funding_per_redemption, budget_cap, valid_from, valid_to,
    limit_per_household, target_kind, target_segment, target_usage, $file_id
FROM checked
WHERE reason IS NULL
ON CONFLICT (deal_id) DO UPDATE SET
    description = excluded.description,
    manufacturer_id = excluded.manufacturer_id,
    scope_kind = excluded.scope_kind,
    scope_value = excluded.scope_value,
    offer_kind = excluded.offer_kind,
    offer_value = excluded.offer_value,
    buy_x = excluded.buy_x,
    get_y = excluded.get_y,
    funding_per_redemption = excluded.funding_per_redemption,
    budget_cap = excluded.budget_cap,
    valid_from = excluded.valid_from,
    valid_to = excluded.valid_to,
    limit_per_household = excluded.limit_per_household,
    target_kind = excluded.target_kind,
    target_segment = excluded.target_segment,
    target_usage = excluded.target_usage,
    file_id = excluded.file_id
