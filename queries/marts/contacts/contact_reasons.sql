-- Why may customer success call an account after an incident: each reason in words, its weight?
-- grain:   one row per reason
-- key:     reason
-- params:  none
-- columns: reason, words, weight, rank
-- The one place the reasons are worded and weighed: contact_list lists each account's reasons
-- in rank order (strongest first), adds their weights (reason_weight) and reads the words aloud
-- (why); the Whom-to-call page offers them as its filter and states the weights in its help.
-- silent_quiet weighs most: an account that went quiet without a word is the easiest to miss.
-- open_ticket's words take the count of open tickets before them ("1 ticket open", "2 tickets
-- open"), the quiet reasons' the usage drop after them.

with

reasons as (
    select
        listed.reason,
        listed.words,
        listed.weight,
        listed.rank
    from (
        values
            ('silent_quiet', 'went quiet without a word', 3, 1),
            ('quiet', 'went quiet after writing in', 2, 2),
            ('urgent', 'wrote of urgency', 2, 3),
            ('trust_loss', 'wrote of lost trust', 2, 4),
            ('open_ticket', 'ticket open', 1, 5),
            ('still_quiet', 'still quiet', 1, 6)
    ) as listed (reason, words, weight, rank)
),

final as (
    select * from reasons
    order by rank
)

select * from final
