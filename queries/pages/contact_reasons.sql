-- Which reasons can put an account on the contact list, in words, and how much does each weigh?
-- grain:   one row per reason, strongest first
-- params:  none
-- columns: reason, words, weight
-- Reads contact_reasons, which contact_list's reasons, weights and why come from: the Whom-to-call
-- page's reason filter offers these words and the score's help states these weights.

with

contact_reason_rows as (
    select * from contact_reasons
),

final as (
    select
        reason,
        words,
        weight
    from contact_reason_rows
    order by rank
)

select * from final
