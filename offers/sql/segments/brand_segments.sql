-- Brand-loyalty segment and usage level of every household x category it bought in.
--
-- Input tables: scan_line, product. Parameters: $as_of (TIMESTAMP: scans strictly before it
--   count), $window_start (TIMESTAMP, a midnight: scans at or after it count), $window_days
--   (days from $window_start to $as_of), $loyal_share (share 0-1), $min_occasions (days).
-- Output: one row per household x category with a purchase in the window:
--   household_id, category, units (units bought; returns are left out), national_units,
--   national_share (national_units / units, 0-1), first_bought and last_bought (DATE: the
--   first and the last day with a purchase in the category), spend (dollars paid, net of
--   returns), brand_segment, usage.
-- Rules:
--   occasions: days with a purchase in the category (two baskets on one day are one
--     occasion, as in the purchase cycles).
--   brand_segment: 'unsegmented' below $min_occasions occasions; else 'national' when
--     national_share >= $loyal_share, 'store' when national_share <= 1 - $loyal_share,
--     'switcher' otherwise.
--   usage: terciles of units among the category's segmented buyers, by cumulative
--     distribution (the share of them with at most as many units), so equal units always
--     share a level: 'low' up to 1/3, 'medium' up to 2/3, 'high' above; NULL for the
--     unsegmented.
-- Partitionable by household (usage needs the category's buyers: one more pass). Rows come
-- in no particular order.
WITH bought AS (
    SELECT
        s.household_id,
        p.category,
        CAST(coalesce(sum(s.quantity) FILTER (WHERE s.quantity > 0), 0) AS BIGINT) AS units,
        CAST(coalesce(
            sum(s.quantity) FILTER (WHERE s.quantity > 0 AND p.brand_type = 'national'), 0
        ) AS BIGINT) AS national_units,
        CAST(min(s.scanned_at) FILTER (WHERE s.quantity > 0) AS DATE) AS first_bought,
        CAST(max(s.scanned_at) FILTER (WHERE s.quantity > 0) AS DATE) AS last_bought,
        -- The rule asks only whether there are at least $min_occasions purchase days. Up to
        -- two, the first and last purchase day tell it; beyond two the days are counted, as
        -- the set bits of one bit per day of the window (DuckDB's bitstring_agg; on another
        -- engine count(DISTINCT day)). Counting is most of the cost of this query (on 16 M
        -- lines 0.3-0.4 s of 1.3 s), so the FILTER skips it when the first and last day do.
        bit_count(bitstring_agg(
            CAST(date_diff('day', $window_start, s.scanned_at) AS INTEGER), 0, $window_days - 1
        ) FILTER (WHERE s.quantity > 0 AND $min_occasions > 2)) AS occasions_counted,
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
            WHEN $min_occasions = 2 AND b.first_bought = b.last_bought THEN 'unsegmented'
            WHEN $min_occasions > 2 AND b.occasions_counted < $min_occasions THEN 'unsegmented'
            WHEN CAST(b.national_units AS DOUBLE) / b.units >= $loyal_share THEN 'national'
            WHEN CAST(b.national_units AS DOUBLE) / b.units <= 1 - $loyal_share THEN 'store'
            ELSE 'switcher'
        END AS brand_segment
    FROM bought AS b
    WHERE b.units > 0
),

-- Cumulative distribution of units per category, worked out on the distinct unit counts
-- (a few thousand rows) rather than by sorting every segmented household.
unit_counts AS (
    SELECT category, units, count(*) AS households
    FROM segmented
    WHERE brand_segment <> 'unsegmented'
    GROUP BY category, units
),

usage_rank AS (
    SELECT
        category,
        units,
        CAST(sum(households) OVER (PARTITION BY category ORDER BY units) AS DOUBLE)
        / sum(households) OVER (PARTITION BY category) AS units_rank
    FROM unit_counts
)

SELECT
    s.household_id,
    s.category,
    s.units,
    s.national_units,
    s.national_share,
    s.first_bought,
    s.last_bought,
    s.spend,
    s.brand_segment,
    CASE
        WHEN s.brand_segment = 'unsegmented' THEN NULL
        WHEN r.units_rank <= 1.0 / 3 THEN 'low'
        WHEN r.units_rank <= 2.0 / 3 THEN 'medium'
        ELSE 'high'
    END AS usage
FROM segmented AS s
LEFT JOIN usage_rank AS r ON r.category = s.category AND r.units = s.units
