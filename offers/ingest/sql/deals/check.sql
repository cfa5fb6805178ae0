-- Row rule for deals: check and type each row on its own.
--
-- Input relation `staged`: surplus VARCHAR, and the columns deal_id, scope_kind,
--   scope_value, offer_kind, valid_from, valid_to, description, manufacturer_id,
--   offer_value, buy_x, get_y, funding_per_redemption, budget_cap, limit_per_household,
--   target_kind, target_value (text from a CSV or TOML file, the file's own types from
--   Parquet).
-- Output: one row per staged row, in the same order: the typed deal columns (scope_value
--   of a product scope as its product ids separated by single spaces; target_value split
--   into target_segment and target_usage), and reason, field, value, message (all NULL for
--   a row that passes).
-- Accepted forms:
--   scope_kind: product | brand | category. Product ids are separated by spaces, commas
--     or semicolons.
--   offer_kind: amount_off (offer_value dollars > 0), percent_off (offer_value a share in
--     (0, 1], or a percentage like '25%'), buy_x_get_y (also 'bxgy'; buy_x >= 1, get_y >= 1).
--   dates like 2017-03-29, valid_to not before valid_from; money in dollars, not negative;
--   limit_per_household a whole number >= 1 (default 1); target_kind all (default),
--   segment (target_value '<national|store|switcher> [low|medium|high]') or conversion
--   (target_value the segment it converts: national, store or switcher).
-- Reasons: malformed_row, missing_value, unparseable_value, inconsistent_value.
WITH cleaned AS (
    SELECT
        surplus,
        nullif(trim(CAST(deal_id AS VARCHAR)), '') AS deal_id,
        nullif(trim(CAST(description AS VARCHAR)), '') AS description,
        nullif(trim(CAST(manufacturer_id AS VARCHAR)), '') AS manufacturer_id,
        lower(nullif(trim(CAST(scope_kind AS VARCHAR)), '')) AS scope_kind,
        nullif(trim(CAST(scope_value AS VARCHAR)), '') AS scope_value,
        replace(lower(nullif(trim(CAST(offer_kind AS VARCHAR)), '')), ' ', '_') AS offer_kind,
        nullif(trim(CAST(offer_value AS VARCHAR)), '') AS offer_value,
        nullif(trim(CAST(buy_x AS VARCHAR)), '') AS buy_x,
        nullif(trim(CAST(get_y AS VARCHAR)), '') AS get_y,
        nullif(trim(CAST(funding_per_redemption AS VARCHAR)), '') AS funding_per_redemption,
        nullif(trim(CAST(budget_cap AS VARCHAR)), '') AS budget_cap,
        nullif(trim(CAST(valid_from AS VARCHAR)), '') AS valid_from,
        nullif(trim(CAST(valid_to AS VARCHAR)), '') AS valid_to,
        nullif(trim(CAST(limit_per_household AS VARCHAR)), '') AS limit_per_household,
        lower(coalesce(nullif(trim(CAST(target_kind AS VARCHAR)), ''), 'all')) AS target_kind,
        lower(nullif(trim(CAST(target_value AS VARCHAR)), '')) AS target_value
    FROM staged
),

typed AS (
    SELECT
        c.*,
        CASE WHEN try_cast(c.manufacturer_id AS DOUBLE) = try_cast(c.manufacturer_id AS BIGINT)
            THEN try_cast(c.manufacturer_id AS BIGINT) END AS manufacturer_id_v,
        c.scope_kind IN ('product', 'brand', 'category') AS scope_kind_ok,
        CASE c.offer_kind
            WHEN 'amount_off' THEN 'amount_off'
            WHEN 'percent_off' THEN 'percent_off'
            WHEN 'buy_x_get_y' THEN 'buy_x_get_y'
            WHEN 'bxgy' THEN 'buy_x_get_y'
        END AS offer_kind_v,
        CASE
            WHEN c.offer_value LIKE '%\%%' ESCAPE '\'
                THEN try_cast(trim(replace(c.offer_value, '%', '')) AS DECIMAL(12, 4)) / 100
            ELSE try_cast(replace(c.offer_value, '$', '') AS DECIMAL(12, 4))
        END AS offer_value_v,
        try_cast(c.buy_x AS INTEGER) AS buy_x_v,
        try_cast(c.get_y AS INTEGER) AS get_y_v,
        try_cast(replace(coalesce(c.funding_per_redemption, '0'), '$', '') AS DECIMAL(12, 2))
            AS funding_v,
        try_cast(replace(c.budget_cap, '$', '') AS DECIMAL(12, 2)) AS budget_cap_v,
        try_cast(c.valid_from AS DATE) AS valid_from_v,
        try_cast(c.valid_to AS DATE) AS valid_to_v,
        try_cast(coalesce(c.limit_per_household, '1') AS INTEGER) AS limit_v,
        c.target_kind IN ('all', 'segment', 'conversion') AS target_kind_ok,
        regexp_split_to_array(coalesce(c.target_value, ''), '[\s/,]+') AS target_tokens
    FROM cleaned AS c
),

parsed AS (
    SELECT
        t.*,
        CASE WHEN t.scope_kind = 'product'
            THEN regexp_replace(t.scope_value, '[\s,;]+', ' ', 'g') END AS product_ids,
        t.scope_kind = 'product'
            AND NOT regexp_full_match(t.scope_value, '[0-9]{1,18}([\s,;]+[0-9]{1,18})*')
            AS bad_product_id,
        CASE WHEN t.target_tokens[1] IN ('national', 'store', 'switcher')
            THEN t.target_tokens[1] END AS segment_v,
        CASE WHEN len(t.target_tokens) >= 2 AND t.target_tokens[2] IN ('low', 'medium', 'high')
            THEN t.target_tokens[2] END AS usage_v
    FROM typed AS t
),

judged AS (
    SELECT
        p.*,
        CASE
            WHEN p.surplus IS NOT NULL THEN 'malformed_row'
            WHEN p.deal_id IS NULL THEN 'missing_value|deal_id'
            WHEN p.scope_kind IS NULL THEN 'missing_value|scope_kind'
            WHEN NOT p.scope_kind_ok THEN 'unparseable_value|scope_kind'
            WHEN p.scope_value IS NULL THEN 'missing_value|scope_value'
            WHEN p.bad_product_id THEN 'unparseable_value|scope_value'
            WHEN p.manufacturer_id IS NOT NULL AND p.manufacturer_id_v IS NULL
                THEN 'unparseable_value|manufacturer_id'
            WHEN p.offer_kind IS NULL THEN 'missing_value|offer_kind'
            WHEN p.offer_kind_v IS NULL THEN 'unparseable_value|offer_kind'
            WHEN p.offer_kind_v IN ('amount_off', 'percent_off') AND p.offer_value IS NULL
                THEN 'missing_value|offer_value'
            WHEN p.offer_kind_v IN ('amount_off', 'percent_off')
                AND (p.offer_value_v IS NULL OR p.offer_value_v <= 0)
                THEN 'unparseable_value|offer_value'
            WHEN p.offer_kind_v = 'percent_off' AND p.offer_value_v > 1
                THEN 'inconsistent_value|offer_value'
            WHEN p.offer_kind_v = 'buy_x_get_y' AND (p.buy_x_v IS NULL OR p.buy_x_v < 1)
                THEN 'unparseable_value|buy_x'
            WHEN p.offer_kind_v = 'buy_x_get_y' AND (p.get_y_v IS NULL OR p.get_y_v < 1)
                THEN 'unparseable_value|get_y'
            WHEN p.funding_v IS NULL OR p.funding_v < 0
                THEN 'unparseable_value|funding_per_redemption'
            WHEN p.budget_cap IS NOT NULL AND (p.budget_cap_v IS NULL OR p.budget_cap_v <= 0)
                THEN 'unparseable_value|budget_cap'
            WHEN p.valid_from IS NULL THEN 'missing_value|valid_from'
            WHEN p.valid_from_v IS NULL THEN 'unparseable_value|valid_from'
            WHEN p.valid_to IS NULL THEN 'missing_value|valid_to'
            WHEN p.valid_to_v IS NULL THEN 'unparseable_value|valid_to'
            WHEN p.valid_to_v < p.valid_from_v THEN 'inconsistent_value|valid_to'
            WHEN p.limit_v IS NULL OR p.limit_v < 1 THEN 'unparseable_value|limit_per_household'
            WHEN NOT p.target_kind_ok THEN 'unparseable_value|target_kind'
            WHEN p.target_kind = 'all' AND p.target_value IS NOT NULL
                THEN 'inconsistent_value|target_value'
            WHEN p.target_kind IN ('segment', 'conversion') AND p.target_value IS NULL
                THEN 'missing_value|target_value'
            WHEN p.target_kind IN ('segment', 'conversion') AND (
                p.segment_v IS NULL
                OR len(p.target_tokens) > CASE p.target_kind WHEN 'segment' THEN 2 ELSE 1 END
                OR (len(p.target_tokens) = 2 AND p.usage_v IS NULL)
            ) THEN 'unparseable_value|target_value'
        END AS verdict
    FROM parsed AS p
)

SELECT
    j.deal_id,
    j.description,
    j.manufacturer_id_v AS manufacturer_id,
    j.scope_kind,
    CASE WHEN j.scope_kind = 'product' THEN j.product_ids ELSE j.scope_value END AS scope_value,
    j.offer_kind_v AS offer_kind,
    CAST(j.offer_value_v AS DECIMAL(12, 2)) AS offer_value,
    CASE WHEN j.offer_kind_v = 'buy_x_get_y' THEN j.buy_x_v END AS buy_x,
    CASE WHEN j.offer_kind_v = 'buy_x_get_y' THEN j.get_y_v END AS get_y,
    j.funding_v AS funding_per_redemption,
    j.budget_cap_v AS budget_cap,
    j.valid_from_v AS valid_from,
    j.valid_to_v AS valid_to,
    j.limit_v AS limit_per_household,
    j.target_kind,
    CASE WHEN j.target_kind <> 'all' THEN j.segment_v END AS target_segment,
    CASE WHEN j.target_kind = 'segment' THEN j.usage_v END AS target_usage,
    split_part(j.verdict, '|', 1) AS reason,
    nullif(split_part(j.verdict, '|', 2), '') AS field,
    CASE split_part(j.verdict, '|', 2)
        WHEN 'deal_id' THEN j.deal_id
        WHEN 'scope_kind' THEN j.scope_kind
        WHEN 'scope_value' THEN j.scope_value
        WHEN 'manufacturer_id' THEN j.manufacturer_id
        WHEN 'offer_kind' THEN j.offer_kind
        WHEN 'offer_value' THEN j.offer_value
        WHEN 'buy_x' THEN j.buy_x
        WHEN 'get_y' THEN j.get_y
        WHEN 'funding_per_redemption' THEN j.funding_per_redemption
        WHEN 'budget_cap' THEN j.budget_cap
        WHEN 'valid_from' THEN j.valid_from
        WHEN 'valid_to' THEN j.valid_to
        WHEN 'limit_per_household' THEN j.limit_per_household
        WHEN 'target_kind' THEN j.target_kind
        WHEN 'target_value' THEN j.target_value
        ELSE j.surplus
    END AS value,
    CASE j.verdict
        WHEN 'unparseable_value|scope_kind' THEN
            'the scope kind ''' || j.scope_kind || ''' is not product, brand or category'
        WHEN 'unparseable_value|scope_value' THEN
            'the scope ''' || j.scope_value || ''' is not a list of product ids'
        WHEN 'unparseable_value|offer_kind' THEN 'the offer kind ''' || j.offer_kind
            || ''' is not amount_off, percent_off or buy_x_get_y'
        WHEN 'unparseable_value|offer_value' THEN 'the offer value ''' || j.offer_value
            || ''' is not ' || CASE j.offer_kind_v WHEN 'amount_off'
                THEN 'an amount in dollars above 0 like 1.00'
                ELSE 'a share above 0 like 0.25 or 25%' END
        WHEN 'inconsistent_value|offer_value' THEN 'the offer value ''' || j.offer_value
            || ''' is more than the whole price (a percent off is a share like 0.25 or 25%)'
        WHEN 'unparseable_value|buy_x' THEN 'a buy-x-get-y deal needs buy x, a whole number'
            || ' of at least 1, not ''' || coalesce(j.buy_x, '') || ''''
        WHEN 'unparseable_value|get_y' THEN 'a buy-x-get-y deal needs get y, a whole number'
            || ' of at least 1, not ''' || coalesce(j.get_y, '') || ''''
        WHEN 'unparseable_value|funding_per_redemption' THEN 'the funding per redemption '''
            || j.funding_per_redemption || ''' is not an amount in dollars like 1.10'
        WHEN 'unparseable_value|budget_cap' THEN 'the budget cap ''' || j.budget_cap
            || ''' is not an amount in dollars above 0 like 5000'
        WHEN 'unparseable_value|valid_from' THEN
            'the valid from ''' || j.valid_from || ''' is not a date like 2017-03-29'
        WHEN 'unparseable_value|valid_to' THEN
            'the valid to ''' || j.valid_to || ''' is not a date like 2017-03-29'
        WHEN 'inconsistent_value|valid_to' THEN 'the deal ends (' || j.valid_to
            || ') before it starts (' || j.valid_from || ')'
        WHEN 'unparseable_value|limit_per_household' THEN 'the limit per household '''
            || j.limit_per_household || ''' is not a whole number of at least 1'
        WHEN 'unparseable_value|target_kind' THEN 'the target kind ''' || j.target_kind
            || ''' is not all, segment or conversion'
        WHEN 'inconsistent_value|target_value' THEN 'a deal for everyone (target kind all)'
            || ' takes no target value, but has ''' || j.target_value || ''''
        WHEN 'missing_value|target_value' THEN 'a ' || j.target_kind
            || ' deal needs a target value, the segment it is for (national, store or switcher)'
        WHEN 'unparseable_value|target_value' THEN 'the target value ''' || j.target_value
            || ''' is not ' || CASE j.target_kind
                WHEN 'segment' THEN 'a segment and usage like ''national high'''
                ELSE 'the segment converted: national, store or switcher' END
    END AS message
FROM judged AS j
