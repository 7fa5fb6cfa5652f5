-- Which words does a text hold, the same way for every step that reads words?
-- grain:   none: it defines the macro words_of
-- params:  none
-- columns: none
-- Written once for ticket_tokens, text_terms and ticket_words: lowercased, apostrophes
-- dropped ("can't" -> "cant"), then each run of letters and digits:
-- words_of('Can''t log in: SSO-2 fails') = ['cant', 'log', 'in', 'sso', '2', 'fails']. Which
-- of them count (length, numbers, stop-words) is each reader's rule.
-- DuckDB-only: a macro and regexp_extract_all (Spark: a function and regexp_extract_all).

create or replace temp macro words_of(body) as
regexp_extract_all(replace(replace(lower(body), '''', ''), '’', ''), '[\p{L}\p{N}]+');
