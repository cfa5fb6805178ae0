-- Append the checked scan lines that passed (reason IS NULL) to the warehouse.
-- Parameter: $file_id, the file they came from (ingested_file).
INSERT INTO scan_line (
    basket_id, product_id, household_id, store_id, scanned_at, quantity, amount_paid,
    store_discount, coupon_discount, coupon_match_discount, is_return, file_id
)
SELECT
    basket_id, product_id, household_id, store_id, scanned_at, quantity, amount_paid,
    store_discount, coupon_discount, coupon_match_discount, is_return, $file_id
FROM checked
WHERE reason IS NULL
