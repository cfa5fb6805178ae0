-- Every offer a treated household could get on its list, valued; the engine chooses among
-- them (offers/engine.py).
--
-- Input relations:
--   treated (household_id, tier): households that get a list;
--   item_need (household_id, product_id, p_buy, expected_date, days_since_last,
--     typical_interval_days): the purchase-cycle prediction for every product a household
--     has bought, over the list window;
--   category_need (household_id, category, p_buy, expected_date, days_since_last,
--     typical_interval_days): the same for the household's most likely sub-category of
--     each category it buys;
--   segment (household_id, category, brand_segment, usage);
--   deal_item: offers.deals.deal_items() for the window.
-- Parameters: $window_days (days in the list window); $margin_national, $margin_store
--   (share of a sale's price it is worth); $conversion_response, $discovery_response
--   (shares); $depth_low, $depth_medium, $depth_high (share of a conversion discount by
--   usage); $per_category (candidates kept per household x category).
-- Output: household_id, deal_id, product_id, category, brand_segment, usage (the
--   household's cell in the category; NULL when unsegmented), reason ('due' | 'conversion' |
--   'discovery'), discount (dollars a redemption), face_value (dollars: discount x the
--   deal's limit per household), p_redeem (0-1), expected_value (dollars), targeting_value
--   (dollars), expected_date, valid_from, valid_to; the best $per_category per household x
--   category by targeting value, ordered by targeting value (highest first), then
--   household, deal and product.
-- Rules:
--   just bought: bought fewer than $window_days ago with a typical interval longer than
--     the window (it will not be needed again in it): never offered;
--   due: a deal for everyone buying in scope, or for the household's segment cell, on the
--     in-scope product it has bought with the highest p_buy; p_redeem = p_buy;
--   conversion: a conversion deal, to households of its target segment in its category,
--     on the scope's best-selling product; p_redeem = category need x $conversion_response;
--     discount x the depth for the household's usage (heavy users get the deepest);
--   discovery: a segment deal, to households of its cell that have bought nothing in its
--     scope, on the best-selling product; p_redeem = category need x $discovery_response;
--   expected_value = p_redeem x (price x margin + funding per redemption - discount):
--     what the redemption is worth to the store and the manufacturer, less what it costs;
--   targeting_value = (p_redeem - p_anyone) x (the same worth less cost): what printing
--     the offer on this household's list earns beyond printing it for a treated household
--     drawn at random, whose chance p_anyone is the mean over the treated households of
--     their p_buy of the product (a due offer) or of their category need times the
--     response (a conversion or discovery offer; 0 for a household not buying it). A
--     staple that everyone buys is worth little on a personal list; an item this household
--     buys far more than others is worth much. It orders the candidates (the engine
--     takes them in that order); expected_value is what the run records;
--   only offers with a discount and a positive expected value are candidates.
-- p_anyone sums exact decimals (12 places), so every run adds up to the same bits and
-- orders its candidates the same way.
WITH treated_count AS (
    SELECT count(*) AS households FROM treated
),

item_anyone AS (
    SELECT n.product_id, sum(CAST(n.p_buy AS DECIMAL(18, 12))) AS p_buy_sum
    FROM item_need AS n
    JOIN treated AS t ON t.household_id = n.household_id
    WHERE n.product_id IN (SELECT product_id FROM deal_item)
    GROUP BY n.product_id
),

category_anyone AS (
    SELECT c.category, sum(CAST(c.p_buy AS DECIMAL(18, 12))) AS p_buy_sum
    FROM category_need AS c
    JOIN treated AS t ON t.household_id = c.household_id
    GROUP BY c.category
),

due_offer AS (
    SELECT
        n.household_id,
        i.deal_id,
        i.product_id,
        i.category,
        s.brand_segment,
        s.usage,
        'due' AS reason,
        n.p_buy AS p_redeem,
        CAST(a.p_buy_sum AS DOUBLE) / tc.households AS p_anyone,
        i.discount,
        i.price,
        i.brand_type,
        i.funding_per_redemption,
        i.limit_per_household,
        n.expected_date,
        i.valid_from,
        i.valid_to,
        row_number() OVER (
            PARTITION BY n.household_id, i.deal_id ORDER BY n.p_buy DESC, i.product_id
        ) AS pick
    FROM item_need AS n
    JOIN treated AS t ON t.household_id = n.household_id
    JOIN deal_item AS i ON i.product_id = n.product_id
    JOIN item_anyone AS a ON a.product_id = n.product_id
    CROSS JOIN treated_count AS tc
    LEFT JOIN segment AS s ON s.household_id = n.household_id AND s.category = i.category
    WHERE NOT (n.days_since_last < $window_days AND n.typical_interval_days > $window_days)
        AND (
            i.target_kind = 'all'
            OR (
                i.target_kind = 'segment'
                AND s.brand_segment = i.target_segment
                AND (i.target_usage IS NULL OR s.usage = i.target_usage)
            )
        )
),

bought_in_scope AS (
    SELECT DISTINCT n.household_id, i.deal_id
    FROM item_need AS n
    JOIN deal_item AS i ON i.product_id = n.product_id
),

targeted_offer AS (
    SELECT
        s.household_id,
        i.deal_id,
        i.product_id,
        i.category,
        s.brand_segment,
        s.usage,
        CASE i.target_kind WHEN 'conversion' THEN 'conversion' ELSE 'discovery' END AS reason,
        c.p_buy * CASE i.target_kind
            WHEN 'conversion' THEN $conversion_response ELSE $discovery_response
        END AS p_redeem,
        CAST(a.p_buy_sum AS DOUBLE) / tc.households * CASE i.target_kind
            WHEN 'conversion' THEN $conversion_response ELSE $discovery_response
        END AS p_anyone,
        round(i.discount * CASE
            WHEN i.target_kind <> 'conversion' THEN 1.0
            WHEN s.usage = 'low' THEN $depth_low
            WHEN s.usage = 'medium' THEN $depth_medium
            ELSE $depth_high
        END, 2) AS discount,
        i.price,
        i.brand_type,
        i.funding_per_redemption,
        i.limit_per_household,
        c.expected_date,
        i.valid_from,
        i.valid_to
    FROM deal_item AS i
    JOIN segment AS s
        ON s.category = i.category
        AND s.brand_segment = i.target_segment
        AND (i.target_usage IS NULL OR s.usage = i.target_usage)
    JOIN treated AS t ON t.household_id = s.household_id
    JOIN category_need AS c ON c.household_id = s.household_id AND c.category = i.category
    JOIN category_anyone AS a ON a.category = i.category
    CROSS JOIN treated_count AS tc
    WHERE i.scope_rank = 1
        AND i.target_kind IN ('conversion', 'segment')
        AND NOT (c.days_since_last < $window_days AND c.typical_interval_days > $window_days)
        AND (
            i.target_kind = 'conversion'
            OR NOT EXISTS (
                SELECT 1 FROM bought_in_scope AS b
                WHERE b.household_id = s.household_id AND b.deal_id = i.deal_id
            )
        )
),

candidate AS (
    SELECT
        household_id, deal_id, product_id, category, brand_segment, usage, reason, p_redeem,
        p_anyone, discount, price,
        brand_type, funding_per_redemption, limit_per_household, expected_date, valid_from,
        valid_to
    FROM due_offer
    WHERE pick = 1
    UNION ALL
    SELECT
        household_id, deal_id, product_id, category, brand_segment, usage, reason, p_redeem,
        p_anyone, discount, price,
        brand_type, funding_per_redemption, limit_per_household, expected_date, valid_from,
        valid_to
    FROM targeted_offer
),

worth AS (
    SELECT
        c.*,
        round(c.discount * c.limit_per_household, 2) AS face_value,
        c.price * CASE c.brand_type WHEN 'store' THEN $margin_store ELSE $margin_national END
        + c.funding_per_redemption - c.discount AS net_worth
    FROM candidate AS c
    WHERE c.discount > 0
),

valued AS (
    SELECT
        w.*,
        w.p_redeem * w.net_worth AS expected_value,
        (w.p_redeem - w.p_anyone) * w.net_worth AS targeting_value
    FROM worth AS w
),

ranked AS (
    SELECT
        v.*,
        row_number() OVER (
            PARTITION BY v.household_id, v.category
            ORDER BY v.targeting_value DESC, v.deal_id, v.product_id
        ) AS rank_in_category
    FROM valued AS v
    WHERE v.expected_value > 0
)

SELECT
    household_id, deal_id, product_id, category, brand_segment, usage, reason, discount,
    face_value, p_redeem, expected_value, targeting_value, expected_date, valid_from, valid_to
FROM ranked
WHERE rank_in_category <= $per_category
ORDER BY targeting_value DESC, household_id, deal_id, product_id
