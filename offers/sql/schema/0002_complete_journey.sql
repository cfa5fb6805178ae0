-- Migration 2: household demographics and the coupon campaigns of the Complete Journey data.

-- Banded demographics, where the source has them (no PII: bands only).
CREATE TABLE household_demographics (
    household_id   BIGINT PRIMARY KEY,
    age            VARCHAR,
    income         VARCHAR,
    home_ownership VARCHAR,
    marital_status VARCHAR,
    household_size VARCHAR,
    household_comp VARCHAR,
    kids_count     VARCHAR
);

-- A coupon campaign and the households it was sent to.
CREATE TABLE campaign (
    campaign_id   BIGINT PRIMARY KEY,
    campaign_type VARCHAR,
    start_date    DATE,
    end_date      DATE
);

CREATE TABLE campaign_household (
    campaign_id  BIGINT NOT NULL,
    household_id BIGINT NOT NULL
);

-- Which products a coupon (by its UPC) is good for, in which campaign.
CREATE TABLE coupon (
    coupon_upc  BIGINT NOT NULL,
    product_id  BIGINT NOT NULL,
    campaign_id BIGINT NOT NULL
);

CREATE TABLE coupon_redemption (
    household_id BIGINT NOT NULL,
    coupon_upc   BIGINT NOT NULL,
    campaign_id  BIGINT NOT NULL,
    redeemed_on  DATE NOT NULL
);
