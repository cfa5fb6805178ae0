-- Deals made from the Complete Journey coupon campaigns that run in a window: one deal per
-- campaign x coupon, in the columns of a deal file (offers/deals.py), for everyone who buys
-- in scope. The source has no coupon face values, so a coupon's offer is the median coupon
-- discount paid on its products (dollars) in the year before the window, or $1.00 when
-- none was paid; its funding is that plus an 8-cent handling fee; no budget cap.
--
-- Input tables: campaign, coupon, product, scan_line. Parameters: $window_start,
--   $window_end (DATE: the window [start, end)), $year_before (TIMESTAMP: window_start
--   minus 52 weeks), $as_of (TIMESTAMP: window_start).
-- Output: deal_id ('CJ-<campaign>-<coupon upc>'), description, manufacturer_id (the most
--   common among its products, ties to the lowest id), scope_kind 'product', scope_value
--   (its product ids, ascending, separated by spaces), offer_kind 'amount_off',
--   offer_value, funding_per_redemption, valid_from, valid_to, target_kind 'all'; by
--   deal id.
WITH running AS (
    SELECT campaign_id, campaign_type, start_date, end_date
    FROM campaign
    WHERE start_date < $window_end AND end_date >= $window_start
),

scope AS (
    SELECT DISTINCT c.campaign_id, c.coupon_upc, c.product_id
    FROM coupon AS c
    JOIN running AS r ON r.campaign_id = c.campaign_id
    JOIN product AS p ON p.product_id = c.product_id
),

paid AS (
    SELECT sc.campaign_id, sc.coupon_upc, median(s.coupon_discount) AS discount
    FROM scope AS sc
    JOIN scan_line AS s ON s.product_id = sc.product_id
    WHERE s.coupon_discount > 0 AND s.scanned_at >= $year_before AND s.scanned_at < $as_of
    GROUP BY sc.campaign_id, sc.coupon_upc
),

maker AS (
    SELECT campaign_id, coupon_upc, manufacturer_id
    FROM (
        SELECT
            sc.campaign_id,
            sc.coupon_upc,
            p.manufacturer_id,
            row_number() OVER (
                PARTITION BY sc.campaign_id, sc.coupon_upc
                ORDER BY count(*) DESC, p.manufacturer_id
            ) AS rank_in_coupon
        FROM scope AS sc
        JOIN product AS p ON p.product_id = sc.product_id
        WHERE p.manufacturer_id IS NOT NULL
        GROUP BY sc.campaign_id, sc.coupon_upc, p.manufacturer_id
    ) AS counted
    WHERE rank_in_coupon = 1
),

products AS (
    SELECT
        campaign_id,
        coupon_upc,
        string_agg(CAST(product_id AS VARCHAR), ' ' ORDER BY product_id) AS scope_value,
        count(*) AS product_count
    FROM scope
    GROUP BY campaign_id, coupon_upc
)

SELECT
    'CJ-' || CAST(r.campaign_id AS VARCHAR) || '-' || CAST(pr.coupon_upc AS VARCHAR) AS deal_id,
    'campaign ' || CAST(r.campaign_id AS VARCHAR) || ' (' || r.campaign_type || ') coupon '
        || CAST(pr.coupon_upc AS VARCHAR) || ', ' || CAST(pr.product_count AS VARCHAR)
        || ' products' AS description,
    m.manufacturer_id,
    'product' AS scope_kind,
    pr.scope_value,
    'amount_off' AS offer_kind,
    round(coalesce(pd.discount, 1.00), 2) AS offer_value,
    round(coalesce(pd.discount, 1.00) + 0.08, 2) AS funding_per_redemption,
    r.start_date AS valid_from,
    r.end_date AS valid_to,
    'all' AS target_kind
FROM products AS pr
JOIN running AS r ON r.campaign_id = pr.campaign_id
LEFT JOIN paid AS pd ON pd.campaign_id = pr.campaign_id AND pd.coupon_upc = pr.coupon_upc
LEFT JOIN maker AS m ON m.campaign_id = pr.campaign_id AND m.coupon_upc = pr.coupon_upc
ORDER BY deal_id
