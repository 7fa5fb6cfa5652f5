-- Does an incident pass the service and severity filters the pages offer?
-- grain:   none: it defines the macro is_picked_incident
-- params:  none
-- columns: none
-- The Overview's and the Trends page's filter, written once: an empty service (null) keeps every
-- service, an empty severity list (null or []) keeps every severity, and an incident with no
-- declared severity passes only the empty list. is_picked_incident(['billing'], 2, 'billing',
-- [1, 2]) = true; (['billing'], null, null, [1]) = false; (['exports'], 3, null, []) = true.
-- Stored in the database (not temp): the pages' read-only connections call it too.
-- DuckDB-only: a macro and list_contains (Spark: array_contains, the macro expanded in place).
-- The casts type an empty filter, a bare null to Spark (the load binds them so: overview_totals).

create or replace macro is_picked_incident(services, severity, picked_service, picked_severities)
as (picked_service is null or list_contains(services, cast(picked_service as varchar)))
and (
    picked_severities is null
    or array_length(cast(picked_severities as integer[])) = 0
    or coalesce(list_contains(cast(picked_severities as integer[]), severity), false)
);
