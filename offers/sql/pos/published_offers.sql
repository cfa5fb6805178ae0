-- The offer lines of a run's lists (reminders, with no deal, stay on paper only).
-- Parameters: $run_id.
-- Output: list_id, line_number, deal_id, item (what the list prints for the line's
-- product: its description, else its sub-category, else 'product <id>'), offer_kind,
-- offer_value (VARCHAR decimal: dollars, or a 0-1 share for percent_off), buy_x, get_y,
-- limit_per_household, valid_from, valid_to (DATE, last day inclusive).
SELECT
    l.list_id,
    l.line_number,
    l.deal_id,
    coalesce(p.description, p.subcategory, 'product ' || CAST(l.product_id AS VARCHAR)) AS item,
    d.offer_kind,
    CAST(d.offer_value AS VARCHAR) AS offer_value,
    d.buy_x,
    d.get_y,
    d.limit_per_household,
    l.valid_from,
    l.valid_to
FROM list_line AS l
JOIN shopping_list AS s ON s.list_id = l.list_id
JOIN deal AS d ON d.deal_id = l.deal_id
LEFT JOIN product AS p ON p.product_id = l.product_id
WHERE s.run_id = $run_id
ORDER BY l.list_id, l.line_number
