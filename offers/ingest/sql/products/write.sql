-- Add or update the checked products that passed (reason IS NULL).
-- A product already in the warehouse takes the new file's description, brand and categories.
INSERT INTO product (
    product_id, description, brand, brand_type, manufacturer_id, department, category,
    subcategory, size
)
SELECT
    product_id, description, brand, brand_type, manufacturer_id, department, category,
    subcategory, size
FROM checked
WHERE reason IS NULL
ON CONFLICT (product_id) DO UPDATE SET
    description = excluded.description,
    brand = excluded.brand,
    brand_type = excluded.brand_type,
    manufacturer_id = excluded.manufacturer_id,
    department = excluded.department,
    category = excluded.category,
    subcategory = excluded.subcategory,
    size = excluded.size
