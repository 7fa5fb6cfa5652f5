-- Where does a window of days sit in an account's running totals, and what did it use there?
-- grain:   none: it defines the macros window_from, window_to and window_usage
-- params:  none
-- columns: none
-- The two small rules every quiet-check window shares, written once.
-- Positions are 1-based list positions of account_timelines.usage_to_date, whose entry
-- [day + 2] holds the usage of days 0..day and [1] is 0 (day 0 = the usage data's first day,
-- day_count days in all). A window of days first_day..last_day, clamped into the data, starts at
-- window_from and ends at window_to (never before window_from: a window with no day inside the
-- data reads as 0). Worked example with day_count = 4 and usage_to_date = [0, 3, 3, 8, 10]:
-- days 1..2 -> window_from(1, 4) = 2, window_to(1, 2, 4) = 4, window_usage = 8 - 3 = 5;
-- days -3..-1 (before the data) -> 1 and 1, usage 0; days 3..9 -> 4 and 5, usage 10 - 8 = 2
-- (day 3 alone: days past the data are not counted); days 5..9 -> 5 and 5, usage 0.
-- DuckDB-only: macros (inlined where used, so they cost nothing per row).

create or replace temp macro window_from(first_day, day_count) as
least(greatest(first_day, 0), day_count) + 1;

create or replace temp macro window_to(first_day, last_day, day_count) as
greatest(least(last_day, day_count - 1) + 2, window_from(first_day, day_count));

create or replace temp macro window_usage(usage_to_date, from_position, to_position) as
coalesce(usage_to_date[to_position] - usage_to_date[from_position], 0);
