-- Rule: a segment or conversion deal is about one category (segments are per category), so
-- every product in its scope is in the same category.
-- Marks rows of `checked` that passed so far; reason mixed_categories.
UPDATE checked
SET reason = 'mixed_categories',
    field = 'scope_value',
    value = checked.scope_value,
    message = 'a ' || checked.target_kind || ' deal must be about one category, but its scope '
        || 'spans ' || CAST(spans.categories AS VARCHAR) || ' categories'
FROM (
    SELECT c.rowid AS checked_row, count(DISTINCT p.category) AS categories
    FROM checked AS c
    JOIN product AS p ON CASE c.scope_kind
        WHEN 'product' THEN list_contains(
            string_split(c.scope_value, ' '), CAST(p.product_id AS VARCHAR))
        WHEN 'brand' THEN p.brand = c.scope_value
        ELSE p.category = c.scope_value
    END
    WHERE c.reason IS NULL AND c.target_kind IN ('segment', 'conversion')
    GROUP BY c.rowid
) AS spans
WHERE checked.rowid = spans.checked_row AND spans.categories > 1
