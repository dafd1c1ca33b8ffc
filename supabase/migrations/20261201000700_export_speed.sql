-- Appraisal export speed (issue 11 "Performance": the export of 100,000 members × 12 assignments).
--
-- The CSV export (functions/_lib/export.ts csvCopySql) calls the formula guard a few times per row
-- over 1.2 million rows. The regular-expression form (`t ~ '^[=+\-@\t\r]'`) costs ~0.35 µs a call on
-- the bench machine (the string is converted to wide characters for the regex engine each time);
-- `ascii(t)` reads only the first character's code point: the same test at about a third of the cost.
-- Same meaning as before and as neutraliseFormula (src/core/csv.ts): a text starting with = + - @,
-- tab or CR gets a leading apostrophe; NULL and '' are returned unchanged. Still LANGUAGE SQL,
-- IMMUTABLE and without SET clauses, so it is inlined into the query (no function call per row).
create or replace function app_private.csv_safe(t text) returns text
language sql immutable parallel safe
as $$
  select case when ascii(t) in (9, 13, 43, 45, 61, 64) then '''' || t else t end
$$;
