-- Two open units with the same name under the same parent (两个"市南支行" under 青岛分行) make the
-- roster's 机构 column ambiguous ("青岛分行/市南支行" matches both) and cannot be told apart in any
-- picker. The database refuses them: among the open children of one parent, names are unique.
--
-- Names are compared the way the roster import reads 机构 cells (src/interop/roster.ts `norm`):
-- NFKC (full-width letters and the ideographic space become their ASCII forms), runs of white space
-- as one space, trimmed. Closed units are history and are left out, so a closed 市南支行 may keep its
-- name next to a new open one; reopening it is refused while the open one exists.
-- The root has no parent (NULL parent_id values never collide), and there is only one root.
--
-- If this migration stops with "open sibling units share a name", rename or close one unit of each
-- pair it lists, then apply it again, e.g.
--   update app.org_units set name = '市南支行（东部）' where code = 'QD-SN2';
-- (as a superuser or through /admin/org/; the audit trigger records the rename).
do $$
declare
  dups text;
begin
  select string_agg(format('%s under %s: %s', k.name, coalesce(p.code, '(root)'), k.codes), '; ')
    into dups
  from (
    select parent_id, min(name) as name, string_agg(code, ', ' order by code) as codes
    from app.org_units
    where closed_at is null
    group by parent_id, btrim(regexp_replace(normalize(name, NFKC), '\s+', ' ', 'g'))
    having count(*) > 1
  ) k
  left join app.org_units p on p.id = k.parent_id;
  if dups is not null then
    raise exception 'open sibling units share a name: %', dups
      using hint = 'Rename or close one unit of each pair (update app.org_units set name = ... where code = ...), then apply 20261201001200_org_sibling_names.sql again.';
  end if;
end $$;

create unique index org_units_open_sibling_name_uq
  on app.org_units (parent_id, (btrim(regexp_replace(normalize(name, NFKC), '\s+', ' ', 'g'))))
  where closed_at is null;
