-- Why input rows were rejected or flagged, grouped by file, column and reason.
-- grain:   one row per file, column, reason and kind
-- params:  none
-- columns: file, column, reason, kind, rows, first_row_number

with

reject_rows as (
    select * from rejects
),

final as (
    select
        file,
        "column",
        reason,
        kind,
        count(*) as rows,
        min(row_number) as first_row_number
    from reject_rows
    group by file, "column", reason, kind
    order by kind, rows desc, file, "column"
)

select * from final
