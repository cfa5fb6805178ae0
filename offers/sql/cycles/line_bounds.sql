-- Bounds of the scan lines occasion_lines.sql reads (a superset: lines of every product),
-- which size the packed sort key.
--
-- Input table: scan_line. Parameter: $as_of (TIMESTAMP).
-- Output: one row: lines, first_household, last_household (ids), first_day (days since
--   1970-01-01), most_units (the largest quantity on a line); NULLs when there is none.
SELECT
    count(*) AS lines,
    min(household_id) AS first_household,
    max(household_id) AS last_household,
    min(CAST(scanned_at AS DATE)) - DATE '1970-01-01' AS first_day,
    max(quantity) AS most_units
FROM scan_line
WHERE scanned_at < $as_of AND quantity > 0
