-- The lines of a run's lists, with the product and the deal's terms they print.
-- Parameters: $run_id.
-- Output: list_id, line_number, department (NULL when the product has none), description,
-- brand, size, subcategory, category, reason, deal_id (NULL: a reminder), offer_kind,
-- offer_value (dollars, or a 0-1 share for percent_off), buy_x, get_y,
-- limit_per_household, discount and face_value (dollars), expected_date, valid_from,
-- valid_to (last day, inclusive).
SELECT
    l.list_id,
    l.line_number,
    p.department,
    p.description,
    p.brand,
    p.size,
    p.subcategory,
    l.category,
    l.reason,
    l.deal_id,
    d.offer_kind,
    CAST(d.offer_value AS DOUBLE) AS offer_value,
    d.buy_x,
    d.get_y,
    d.limit_per_household,
    CAST(l.discount AS DOUBLE) AS discount,
    CAST(l.face_value AS DOUBLE) AS face_value,
    l.expected_date,
    l.valid_from,
    l.valid_to
FROM list_line AS l
JOIN shopping_list AS s ON s.list_id = l.list_id
LEFT JOIN product AS p ON p.product_id = l.product_id
LEFT JOIN deal AS d ON d.deal_id = l.deal_id
WHERE s.run_id = $run_id
ORDER BY l.list_id, l.line_number
