-- Items a treated household is likely to need in the list window, for lines without an
-- offer (reminders).
--
-- Input relations: treated (household_id, tier), item_need and segment (as in
--   offer_candidates.sql), and the table product. Parameters: $window_days, $reminder_min_p_buy (0-1),
--   $max_lines.
-- Output: household_id, product_id, category, brand_segment, usage, p_buy, expected_date: per household, its
--   $max_lines most likely items with p_buy >= $reminder_min_p_buy that were not just
--   bought (the rule in offer_candidates.sql), most likely first (ties by product id).
WITH ranked AS (
    SELECT
        n.household_id,
        n.product_id,
        p.category,
        s.brand_segment,
        s.usage,
        n.p_buy,
        n.expected_date,
        row_number() OVER (
            PARTITION BY n.household_id ORDER BY n.p_buy DESC, n.product_id
        ) AS rank_in_household
    FROM item_need AS n
    JOIN treated AS t ON t.household_id = n.household_id
    JOIN product AS p ON p.product_id = n.product_id
    LEFT JOIN segment AS s ON s.household_id = n.household_id AND s.category = p.category
    WHERE n.p_buy >= $reminder_min_p_buy
        AND NOT (n.days_since_last < $window_days AND n.typical_interval_days > $window_days)
)

SELECT household_id, product_id, category, brand_segment, usage, p_buy, expected_date
FROM ranked
WHERE rank_in_household <= $max_lines
ORDER BY household_id, rank_in_household
