-- What each household spent on a manufacturer's products per category, in a window.
-- Parameters: $manufacturer_id, $window_start, $as_of (TIMESTAMP: scans in [start, as_of)).
-- Output: household_id, category, manufacturer_units (units bought, returns left out),
-- manufacturer_spend (dollars paid, net of returns).
SELECT
    s.household_id,
    p.category,
    CAST(sum(CASE WHEN s.quantity > 0 THEN s.quantity ELSE 0 END) AS BIGINT)
        AS manufacturer_units,
    CAST(sum(s.amount_paid) AS DOUBLE) AS manufacturer_spend
FROM scan_line AS s
JOIN product AS p ON p.product_id = s.product_id
WHERE p.manufacturer_id = $manufacturer_id
    AND s.scanned_at >= $window_start AND s.scanned_at < $as_of
    AND p.category IS NOT NULL
GROUP BY 1, 2
