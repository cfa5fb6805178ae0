-- Quarantine the rejected rows of a load, each with a message in words a clerk understands.
--
-- Input: the temporary table `checked` (rows rejected by the row rule or a later rule have a
--   reason; rules may have worded their own message), and `csv_rejected` (line, field, value,
--   reason, message: CSV lines the reader itself rejected; empty for other sources). Those
--   lines are missing from `checked`, so a row of `checked` is numbered by its position among
--   the rows read, moved past every rejected line before it.
-- Parameters: $file_id, $kind, $label; $first_rowid (rowid of the first row of `checked`),
--   $first_row (the number of a file's first row of data); $earliest (TIMESTAMP).
INSERT INTO quarantine
WITH rejected_line_shift AS (
    -- kept_before: rows read before the rejected line; lines_before_or_at: rejected lines
    -- up to and including it.
    SELECT
        line - $first_row - row_number() OVER (ORDER BY line) + 1 AS kept_before,
        row_number() OVER (ORDER BY line) AS lines_before_or_at
    FROM (SELECT DISTINCT line FROM csv_rejected) AS lines
),

shift AS (
    SELECT kept_before, max(lines_before_or_at) AS rejected_lines
    FROM rejected_line_shift
    GROUP BY kept_before
),

read_rows AS (
    SELECT rowid - $first_rowid AS position, field, value, reason, message
    FROM checked
    WHERE reason IS NOT NULL
),

rejected AS (
    SELECT
        r.position + $first_row + coalesce(s.rejected_lines, 0) AS row_number,
        r.field, r.value, r.reason, r.message
    FROM read_rows AS r
    ASOF LEFT JOIN shift AS s ON r.position >= s.kept_before
    UNION ALL
    SELECT line, field, value, reason, message FROM csv_rejected
)

SELECT
    $file_id,
    $kind,
    $label,
    row_number,
    field,
    value,
    reason,
    coalesce(message, CASE reason
        WHEN 'malformed_row' THEN
            'the row has more values than the header has columns (extra: ' || value || ')'
        WHEN 'missing_value' THEN 'the ' || replace(field, '_', ' ') || ' is empty'
        WHEN 'missing_household' THEN 'the household id is empty'
        WHEN 'impossible_timestamp' THEN 'the timestamp ' || value || ' is '
            || CASE WHEN try_cast(value AS TIMESTAMP) < $earliest
                THEN 'before ' || CAST(CAST($earliest AS DATE) AS VARCHAR)
                ELSE 'in the future' END
        WHEN 'unparseable_value' THEN 'the ' || replace(field, '_', ' ') || ' '''
            || coalesce(value, '') || ''' is not '
            || CASE field
                WHEN 'timestamp' THEN 'a date and time like 2017-03-01 14:05:00'
                WHEN 'quantity' THEN 'a whole number of units'
                WHEN 'amount_paid' THEN 'an amount in dollars like 3.49'
                WHEN 'store_discount' THEN 'an amount in dollars like 0.50'
                WHEN 'coupon_discount' THEN 'an amount in dollars like 0.50'
                WHEN 'coupon_match_discount' THEN 'an amount in dollars like 0.50'
                WHEN 'brand_type' THEN 'national or store'
                WHEN 'opted_out' THEN 'yes or no'
                ELSE 'a whole number'
            END
        ELSE reason
    END)
FROM rejected
