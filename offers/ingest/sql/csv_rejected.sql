-- The lines DuckDB's CSV reader rejected (table offers_csv_rejects), one row per line, as
-- quarantine rows: a value that does not convert to its column's type is an
-- unparseable_value of that field; a line that cannot be split is a malformed_row.
-- Output: line, field, value, reason, message (NULL where quarantine.sql words it).
CREATE TEMP TABLE csv_rejected AS
WITH first_error AS (
    SELECT
        line,
        error_type,
        column_name,
        csv_line,
        error_message,
        row_number() OVER (PARTITION BY line ORDER BY column_idx) AS nth
    FROM offers_csv_rejects
)
SELECT
    line,
    CASE WHEN CAST(error_type AS VARCHAR) = 'CAST'
        THEN replace(lower(trim(column_name)), ' ', '_') END AS field,
    CASE WHEN CAST(error_type AS VARCHAR) = 'CAST'
        THEN coalesce(nullif(regexp_extract(error_message, 'string "(.*)" to', 1), ''), csv_line)
        ELSE csv_line END AS value,
    CASE WHEN CAST(error_type AS VARCHAR) = 'CAST'
        THEN 'unparseable_value' ELSE 'malformed_row' END AS reason,
    CASE WHEN CAST(error_type AS VARCHAR) <> 'CAST'
        THEN 'the line cannot be split into the header''s columns ('
            || lower(replace(CAST(error_type AS VARCHAR), '_', ' ')) || ')' END AS message
FROM first_error
WHERE nth = 1
