-- What the last load read, kept, rejected and merged, file by file.
-- grain:   one row per table and file
-- params:  none
-- columns: table_name, file, rows_read, rows_loaded, rows_rejected, duplicates_merged, warnings

with

load_report_rows as (
    select * from load_report
),

final as (
    select
        table_name,
        file,
        rows_read,
        rows_loaded,
        rows_rejected,
        duplicates_merged,
        warnings
    from load_report_rows
    order by table_name, file
)

select * from final
