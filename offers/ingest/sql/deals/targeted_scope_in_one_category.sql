-- Rule: a segment or conversion deal is about one category (segments are per category), so
-- every product in its scope is in the same category.
-- Marks rows of `checked` that passed so far; reason mixed_categories.
UPDATE checked
SET reason = 'mixed_categories',
    field = 'scope_value',
    value = scope_value,
    message = 'a ' || target_kind || ' deal must be about one category, but its scope spans '
        || CAST((
            SELECT count(DISTINCT p.category) FROM product AS p
            WHERE CASE checked.scope_kind
                WHEN 'product' THEN list_contains(
                    string_split(checked.scope_value, ' '), CAST(p.product_id AS VARCHAR))
                WHEN 'brand' THEN p.brand = checked.scope_value
                ELSE p.category = checked.scope_value
            END
        ) AS VARCHAR) || ' categories'
WHERE reason IS NULL
    AND target_kind IN ('segment', 'conversion')
    AND (
        SELECT count(DISTINCT p.category) FROM product AS p
        WHERE CASE checked.scope_kind
            WHEN 'product' THEN list_contains(
                string_split(checked.scope_value, ' '), CAST(p.product_id AS VARCHAR))
            WHEN 'brand' THEN p.brand = checked.scope_value
            ELSE p.category = checked.scope_value
        END
    ) > 1
