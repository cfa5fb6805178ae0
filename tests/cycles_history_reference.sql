-- A SQL reference of offers.occasions.pair_history(read_occasions(...)), to compare with it
-- (tests/test_occasions.py): the purchase history of every household x item before as-of,
-- one row per pair, by group-by and window, where the module sorts packed keys in memory.
-- (It was the product's own query until grouping 16 M lines into purchase days and
-- ordering each pair's days by window took 9 to 13 times a plain group-by on 16 M lines.)
--
-- Input tables: scan_line, product. Parameters: $as_of (TIMESTAMP: only scans strictly
--   before it count), $level ('product': an item is a product id; 'subcategory': an item is
--   the product's sub-category), $quantity_elasticity (how intervals stretch with units: an
--   interval after buying q units, against the pair's mean of m units per occasion, counts
--   as gap / (q / m) ^ elasticity), $sample_every (1: every household; n: the households
--   whose id is a multiple of n, a sample for fitting).
-- Output: household_id, item_id (text), occasions (days with a purchase), units, first_day,
--   last_day (DATE), last_units (units bought on last_day), mean_units (units per
--   occasion), gaps (intervals, = occasions - 1), shortest_gap_days (the shortest interval,
--   NULL without intervals), log_gap_mean, log_gap_var (mean and
--   sample variance of the quantity-adjusted log interval in days, summed exactly so every
--   run gives the same bits; NULL without intervals, the variance NULL with one).
-- A purchase occasion is a day with a purchase of the item; returns are left out.
-- Rows are sorted by household and item (text order).
WITH item AS (
    SELECT
        product_id,
        CASE
            WHEN $level = 'product' THEN product_id
            ELSE dense_rank() OVER (ORDER BY subcategory)
        END AS item_key,
        CASE WHEN $level = 'product' THEN CAST(product_id AS VARCHAR) ELSE subcategory END
            AS item_id
    FROM product
    WHERE $level = 'product' OR subcategory IS NOT NULL
),

item_lines AS (
    SELECT
        s.household_id,
        i.item_key,
        CAST(s.scanned_at AS DATE) AS day,
        s.quantity
    FROM scan_line AS s
    JOIN item AS i ON i.product_id = s.product_id
    WHERE s.scanned_at < $as_of AND s.quantity > 0 AND mod(s.household_id, $sample_every) = 0
),

occasions AS (
    SELECT household_id, item_key, day, CAST(sum(quantity) AS BIGINT) AS units
    FROM item_lines
    GROUP BY household_id, item_key, day
),

intervals AS (
    SELECT
        o.household_id,
        o.item_key,
        o.day,
        o.units,
        o.day - lag(o.day) OVER pair_days AS gap_days,
        lag(o.units) OVER pair_days AS previous_units,
        avg(o.units) OVER (PARTITION BY o.household_id, o.item_key) AS mean_units
    FROM occasions AS o
    WINDOW pair_days AS (PARTITION BY o.household_id, o.item_key ORDER BY o.day)
),

adjusted AS (
    SELECT
        i.*,
        -- Exact decimals (12 places) so the sums below come out the same on every run,
        -- whatever order parallel threads add them in.
        CAST(
            ln(i.gap_days) - $quantity_elasticity * ln(i.previous_units / i.mean_units)
            AS DECIMAL(18, 12)
        ) AS log_gap
    FROM intervals AS i
),

pairs AS (
    SELECT
        household_id,
        item_key,
        count(*) AS occasions,
        CAST(sum(units) AS BIGINT) AS units,
        min(day) AS first_day,
        max(day) AS last_day,
        arg_max(units, day) AS last_units,
        avg(units) AS mean_units,
        count(log_gap) AS gaps,
        min(gap_days) AS shortest_gap_days,
        CAST(avg(log_gap) AS DOUBLE) AS log_gap_mean,
        CASE WHEN count(log_gap) > 1 THEN greatest(
            CAST(sum(log_gap * log_gap) AS DOUBLE)
            - CAST(sum(log_gap) AS DOUBLE) * CAST(sum(log_gap) AS DOUBLE) / count(log_gap),
            0.0
        ) / (count(log_gap) - 1) END AS log_gap_var
    FROM adjusted
    GROUP BY household_id, item_key
),

item_name AS (
    SELECT DISTINCT item_key, item_id FROM item
)

SELECT
    p.household_id,
    n.item_id,
    p.* EXCLUDE (household_id, item_key)
FROM pairs AS p
JOIN item_name AS n ON n.item_key = p.item_key
ORDER BY p.household_id, n.item_id
