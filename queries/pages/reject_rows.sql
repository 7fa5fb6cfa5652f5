-- Which input rows were rejected or flagged, with the value and the reason, first rows first.
-- grain:   one row per reject, at most $max_rows rows
-- params:  $max_rows
-- columns: file, row_number, column, value, reason, kind
-- An empty $max_rows shows every row.

with

reject_rows as (
    select * from rejects
),

final as (
    select
        file,
        row_number,
        "column",
        value,
        reason,
        kind
    from reject_rows
    order by file, row_number, "column"
    limit coalesce($max_rows, 9223372036854775807)
)

select * from final
