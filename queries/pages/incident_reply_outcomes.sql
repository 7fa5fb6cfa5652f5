-- After which replies from support did one incident's customers stop writing, or ask again?
-- grain:   one row per agent reply (its opening words) on the incident's related tickets
-- params:  $incident_id
-- columns: reply, replies, stopped_writing, customer_wrote_again, wrote_again_pct,
--          example_follow_up
-- stopped_writing: replies the customer did not answer within reply_followup_hours
-- (reply_outcomes). The judged replies first, those customers stopped writing after at the top;
-- then those sent too few times to judge (wrote_again_pct empty), most sent first.
-- example_follow_up is raw customer text: whoever shows it escapes it.

with

reply_outcome_rows as (
    select * from reply_outcomes
),

final as (
    select
        reply,
        replies,
        replies - customer_wrote_again as stopped_writing,
        customer_wrote_again,
        wrote_again_pct,
        example_follow_up
    from reply_outcome_rows
    where incident_id = $incident_id
    order by wrote_again_pct is null, wrote_again_pct, replies desc, reply
)

select * from final
