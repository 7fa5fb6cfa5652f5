-- Are the tickets' comments loaded, and do agents reply in them?
-- grain:   one row
-- params:  none
-- columns: comments, agent_replies

with

ticket_event_rows as (
    select * from ticket_events
),

final as (
    select
        count(*) as comments,
        count(*) filter (where author_role = 'agent') as agent_replies
    from ticket_event_rows
)

select * from final
