-- Value tier and list eligibility of every household on file.
--
-- Input tables: household, scan_line. Parameters: $as_of (TIMESTAMP: scans strictly before
--   it count), $spend_start (TIMESTAMP: start of the tier window), $eligibility_start
--   (TIMESTAMP: start of the eligibility window), $eligibility_weeks (weeks in it),
--   $eligible_weekly_spend (dollars), $tier_a, $tier_b, $tier_c (cumulative shares 0-1 of
--   households, from the top spender down, that end tiers A, B and C).
-- Output: household_id, spend_52w (dollars in the tier window, net of returns),
--   weekly_spend_8w (dollars a week in the eligibility window), tier ('A'..'D'), eligible,
--   opted_out.
-- Rules:
--   tier: households ranked by spend, highest first (ties by household id); the first
--     round(N x $tier_a) are A, up to round(N x $tier_b) B, up to round(N x $tier_c) C, the
--     rest D, where N counts every household on file.
--   eligible: weekly_spend_8w > $eligible_weekly_spend (strictly), and not opted out.
WITH spend AS (
    SELECT
        h.household_id,
        h.opted_out,
        coalesce(sum(s.amount_paid) FILTER (WHERE s.scanned_at >= $spend_start), 0)
            AS spend_52w,
        coalesce(sum(s.amount_paid) FILTER (WHERE s.scanned_at >= $eligibility_start), 0)
            AS spend_8w
    FROM household AS h
    LEFT JOIN scan_line AS s
        ON s.household_id = h.household_id
        AND s.scanned_at < $as_of
        AND s.scanned_at >= least($spend_start, $eligibility_start)
    GROUP BY h.household_id, h.opted_out
),

ranked AS (
    SELECT
        sp.*,
        row_number() OVER (ORDER BY sp.spend_52w DESC, sp.household_id) AS spend_rank,
        count(*) OVER () AS households
    FROM spend AS sp
)

SELECT
    household_id,
    spend_52w,
    CAST(spend_8w AS DOUBLE) / $eligibility_weeks AS weekly_spend_8w,
    CASE
        WHEN spend_rank <= round(households * $tier_a) THEN 'A'
        WHEN spend_rank <= round(households * $tier_b) THEN 'B'
        WHEN spend_rank <= round(households * $tier_c) THEN 'C'
        ELSE 'D'
    END AS tier,
    spend_8w > $eligible_weekly_spend * $eligibility_weeks AND NOT opted_out AS eligible,
    opted_out
FROM ranked
ORDER BY household_id
