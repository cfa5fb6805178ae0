-- Every product that a deal running in a list window covers, with the discount it gives.
--
-- Input tables: deal, product, scan_line, the view deal_scope (migration 5).
-- Parameters: $window_start, $window_end (DATE: the list window [start, end)), $last_day
--   (DATE: window_end - 1 day), $price_start, $as_of (TIMESTAMP: scans in
--   [price_start, as_of) set a product's usual price and its units sold).
-- Output: deal_id, product_id, category, subcategory, brand_type, price (dollars: the
--   product's usual price), units_sold, offer_kind, discount (dollars off one redemption
--   at that price), funding_per_redemption, limit_per_household, target_kind,
--   target_segment, target_usage, valid_from, valid_to (the deal's dates inside the
--   window), scope_rank (1 for the scope's best-selling product, ties by product id).
-- Rules:
--   a deal runs in the window when valid_from < window_end and valid_to >= window_start;
--   usual price = dollars paid / units over the price window, or, for a product not sold
--     in it, the average of its sub-category's (then its category's) usual prices;
--   discount: amount_off: the offer value, at most the price; percent_off: price x share;
--     buy_x_get_y: get_y x price (the free units), all rounded to cents.
WITH active AS (
    SELECT * FROM deal WHERE valid_from < $window_end AND valid_to >= $window_start
),

scope AS (
    SELECT sc.deal_id, sc.product_id
    FROM deal_scope AS sc
    WHERE sc.deal_id IN (SELECT deal_id FROM active)
),

sold AS (
    SELECT
        product_id,
        sum(quantity) AS units,
        sum(amount_paid) / sum(quantity) AS price
    FROM scan_line
    WHERE scanned_at >= $price_start AND scanned_at < $as_of AND quantity > 0
        AND amount_paid > 0
    GROUP BY product_id
),

priced AS (
    SELECT
        p.product_id,
        p.category,
        p.subcategory,
        p.brand_type,
        coalesce(s.units, 0) AS units_sold,
        coalesce(
            s.price,
            avg(s.price) OVER (PARTITION BY p.subcategory),
            avg(s.price) OVER (PARTITION BY p.category)
        ) AS price
    FROM product AS p
    LEFT JOIN sold AS s ON s.product_id = p.product_id
)

SELECT
    d.deal_id,
    sc.product_id,
    pr.category,
    pr.subcategory,
    pr.brand_type,
    round(pr.price, 2) AS price,
    pr.units_sold,
    d.offer_kind,
    round(CASE d.offer_kind
        WHEN 'amount_off' THEN least(d.offer_value, pr.price)
        WHEN 'percent_off' THEN pr.price * d.offer_value
        ELSE pr.price * d.get_y
    END, 2) AS discount,
    d.funding_per_redemption,
    d.limit_per_household,
    d.target_kind,
    d.target_segment,
    d.target_usage,
    greatest(d.valid_from, $window_start) AS valid_from,
    least(d.valid_to, $last_day) AS valid_to,
    row_number() OVER (
        PARTITION BY d.deal_id ORDER BY pr.units_sold DESC, sc.product_id
    ) AS scope_rank
FROM active AS d
JOIN scope AS sc ON sc.deal_id = d.deal_id
JOIN priced AS pr ON pr.product_id = sc.product_id
WHERE pr.price IS NOT NULL
ORDER BY d.deal_id, sc.product_id
