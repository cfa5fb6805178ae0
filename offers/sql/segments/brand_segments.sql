-- Brand-loyalty segment and usage level of every household x category it bought in.
--
-- Input tables: scan_line, product. Parameters: $as_of (TIMESTAMP: scans strictly before it
--   count), $window_start (TIMESTAMP: scans at or after it count), $loyal_share (share 0-1),
--   $min_occasions (baskets).
-- Output: one row per household x category with a purchase in the window:
--   household_id, category, units (units bought; returns are left out), national_units,
--   national_share (national_units / units, 0-1), occasions (baskets with a purchase in the
--   category), spend (dollars paid, net of returns), brand_segment, usage.
-- Rules:
--   brand_segment: 'unsegmented' below $min_occasions occasions; else 'national' when
--     national_share >= $loyal_share, 'store' when national_share <= 1 - $loyal_share,
--     'switcher' otherwise.
--   usage: terciles of units among the category's segmented buyers, by cumulative
--     distribution, so equal units always share a level: 'low' up to 1/3, 'medium' up to
--     2/3, 'high' above; NULL for the unsegmented.
-- Partitionable by household (usage needs the category's buyers: one more pass). Rows come
-- in no particular order.
WITH bought AS (
    SELECT
        s.household_id,
        p.category,
        CAST(sum(CASE WHEN s.quantity > 0 THEN s.quantity ELSE 0 END) AS BIGINT) AS units,
        CAST(sum(
            CASE WHEN s.quantity > 0 AND p.brand_type = 'national' THEN s.quantity ELSE 0 END
        ) AS BIGINT) AS national_units,
        count(DISTINCT CASE WHEN s.quantity > 0 THEN s.basket_id END) AS occasions,
        sum(s.amount_paid) AS spend
    FROM scan_line AS s
    JOIN product AS p ON p.product_id = s.product_id
    WHERE s.scanned_at >= $window_start
        AND s.scanned_at < $as_of
        AND p.category IS NOT NULL
    GROUP BY s.household_id, p.category
),

segmented AS (
    SELECT
        b.*,
        CAST(b.national_units AS DOUBLE) / b.units AS national_share,
        CASE
            WHEN b.occasions < $min_occasions THEN 'unsegmented'
            WHEN CAST(b.national_units AS DOUBLE) / b.units >= $loyal_share THEN 'national'
            WHEN CAST(b.national_units AS DOUBLE) / b.units <= 1 - $loyal_share THEN 'store'
            ELSE 'switcher'
        END AS brand_segment
    FROM bought AS b
    WHERE b.units > 0
),

ranked AS (
    SELECT
        s.*,
        cume_dist() OVER (
            PARTITION BY s.category, s.brand_segment = 'unsegmented' ORDER BY s.units
        ) AS units_rank
    FROM segmented AS s
)

SELECT
    household_id,
    category,
    units,
    national_units,
    national_share,
    occasions,
    spend,
    brand_segment,
    CASE
        WHEN brand_segment = 'unsegmented' THEN NULL
        WHEN units_rank <= 1.0 / 3 THEN 'low'
        WHEN units_rank <= 2.0 / 3 THEN 'medium'
        ELSE 'high'
    END AS usage
FROM ranked
