// Publishes content/ into Postgres, idempotently (runs on every start and deploy):
//   unchanged question → nothing; changed → a new immutable question version (attempts keep their
//   pinned versions); removed → retired, never deleted. Lessons and instruments likewise.
// Refuses to publish when the content check reports errors, so a broken bank never goes live.
import { createHash } from 'node:crypto';
import { loadContent, validContent } from '../content/load.ts';
import { checkContent, errorsOnly, formatProblems } from '../content/check.ts';
import { toQuestionVersion } from '../content/question-version.ts';
import type { QuestionVersion } from '../core/questions.ts';
import type { Sql } from './sql.ts';
import { normaliseStem } from '../interop/question-draft.ts';
import { variantFamilies } from '../content/variant-families.ts';

/** The duplicate-detection key of a stem: sha-256 of its normalised form (32 hex digits). */
export const stemKeyOf = (stem: string) => createHash('sha256').update(normaliseStem(stem)).digest('hex').slice(0, 32);

/** Stable JSON: object keys sorted, so the hash only changes when content does. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
export const contentHash = (value: unknown) => createHash('sha256').update(canonical(value)).digest('hex').slice(0, 32);

export interface SyncReport {
  questions: { created: number; versioned: number; unchanged: number; retired: number };
  lessons: number;
  instruments: number;
}

export async function syncContent(sql: Sql, root?: string): Promise<SyncReport> {
  const loaded = loadContent(root ? { root } : {});
  const errors = errorsOnly(checkContent(loaded));
  if (errors.length) throw new Error(`content check failed; nothing was published:\n${formatProblems(errors)}`);
  const content = validContent(loaded);
  const report: SyncReport = { questions: { created: 0, versioned: 0, unchanged: 0, retired: 0 }, lessons: 0, instruments: 0 };

  await sql.begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true)`;

    // The official bank is the one read-only OPEN bank (published for study: practice, the
    // wrong-answer book and knowledge checks serve it). Kept so on every sync, whatever happened.
    await tx`
      insert into app.banks (id, name, org_unit_id, visibility, read_only)
      values ('official', '官方题库 (content/questions)', null, 'open', true)
      on conflict (id) do update set visibility = 'open', read_only = true, org_unit_id = null, updated_at = now()
      where app.banks.visibility <> 'open' or not app.banks.read_only or app.banks.org_unit_id is not null`;

    for (const i of content.instruments) {
      const hash = contentHash(i);
      const r = await tx`
        insert into app.instruments (id, title, short_title, gloss, status, has_full_text, content_hash)
        values (${i.id}, ${i.title}, ${i.short}, ${i.gloss}, ${i.status}, ${Boolean(i.text)}, ${hash})
        on conflict (id) do update set title = excluded.title, short_title = excluded.short_title, gloss = excluded.gloss,
          status = excluded.status, has_full_text = excluded.has_full_text, content_hash = excluded.content_hash,
          retired_at = null, updated_at = now()
        where app.instruments.content_hash is distinct from excluded.content_hash or app.instruments.retired_at is not null`;
      report.instruments += r.count;
    }
    await tx`update app.instruments set retired_at = now() where retired_at is null and id not in (select jsonb_array_elements_text(${tx.json(content.instruments.map((i) => i.id))}))`;

    for (const l of content.lessons) {
      const hash = contentHash({ data: l.data, body: l.body });
      // The lesson's citations, so a rule change can flag the lessons citing it (migration 20261201000150).
      const cites = [...new Map(l.cites.filter((c) => c.law).map((c) => [`${c.law}#${c.article ?? ''}`, c.article === null ? { instrument: c.law } : { instrument: c.law, article: c.article }])).values()];
      const r = await tx`
        insert into app.lessons (id, title, module, sort_order, content_hash, cites)
        values (${l.id}, ${l.data.title}, ${l.data.module}, ${l.data.order}, ${hash}, ${tx.json(cites)})
        on conflict (id) do update set title = excluded.title, module = excluded.module, sort_order = excluded.sort_order,
          content_hash = excluded.content_hash, cites = excluded.cites, retired_at = null, updated_at = now()
        where app.lessons.content_hash is distinct from excluded.content_hash or app.lessons.retired_at is not null
          or app.lessons.cites is distinct from excluded.cites`;
      report.lessons += r.count;
    }
    await tx`update app.lessons set retired_at = now() where retired_at is null and id not in (select jsonb_array_elements_text(${tx.json(content.lessons.map((l) => l.id))}))`;

    const existing = new Map<string, { hash: string | null; version: number; retired: boolean; bank: string }>();
    for (const row of await tx`
      select q.id, q.bank, q.retired_at is not null as retired, v.content_hash, coalesce(v.version, 0) as version
      from app.questions q left join app.question_versions v on v.id = q.current_version_id`) {
      existing.set(row.id as string, { hash: (row.content_hash as string) ?? null, version: Number(row.version), retired: Boolean(row.retired), bank: row.bank as string });
    }

    for (const { data } of content.questions) {
      const version: QuestionVersion = toQuestionVersion(data);
      const hash = contentHash(version);
      const known = existing.get(version.id);
      if (known && known.bank !== 'official') {
        // Never move a trainer's (possibly closed) question into the open official bank.
        throw new Error(`content question "${version.id}" has the id of a question in bank "${known.bank}"; rename it in content/questions. Nothing was published.`);
      }
      if (known && known.hash === hash) {
        if (known.retired) await tx`update app.questions set retired_at = null where id = ${version.id}`;
        report.questions.unchanged++;
        continue;
      }
      if (!known) {
        await tx`insert into app.questions (id, bank, topic) values (${version.id}, 'official', ${version.topic})`;
      }
      // A question may return to an earlier text: reuse that version instead of duplicating it.
      const [prior] = await tx`select id from app.question_versions where question_id = ${version.id} and content_hash = ${hash}`;
      let versionId = prior?.id as string | undefined;
      if (!versionId) {
        const [{ next }] = (await tx`select coalesce(max(version), 0) + 1 as next from app.question_versions where question_id = ${version.id}`) as unknown as [{ next: number }];
        const options = version.type === 'single' || version.type === 'multiple' ? version.options : null;
        const blankCount = version.type === 'fill' ? version.key.blanks.length : 0;
        const [row] = await tx`
          insert into app.question_versions (question_id, version, content_hash, type, topic, difficulty, stem, options, blank_count, source)
          values (${version.id}, ${Number(next)}, ${hash}, ${version.type}, ${version.topic}, ${version.difficulty}, ${version.stem},
                  ${options ? tx.json(options) : null}, ${blankCount}, ${tx.json(version.source ?? {})})
          returning id`;
        versionId = row!.id as string;
        await tx`insert into app.question_keys (question_version_id, key, explanation)
                 values (${versionId}, ${tx.json(version.key)}, ${version.explanation})`;
      }
      await tx`update app.questions set current_version_id = ${versionId}, topic = ${version.topic}, retired_at = null where id = ${version.id}`;
      if (known) report.questions.versioned++;
      else report.questions.created++;
    }

    // Duplicate detection compares normalised stems (functions/_lib/banks/drafts.ts stemKeyOf): the
    // official questions carry theirs, so a trainer's copy or import of one is recognised.
    const stemKeys = content.questions.map((q) => ({ id: q.data.id, key: stemKeyOf(q.data.stem) }));
    await tx`update app.questions q set stem_key = k.key
      from jsonb_to_recordset(${tx.json(stemKeys)}) as k(id text, key text)
      where q.id = k.id and q.stem_key is distinct from k.key`;

    // Variant families (variantOf, not part of a version): stored on the question so papers,
    // practice and contest draws take at most one of a family (migration 20261201000950).
    const families = variantFamilies(content.questions.map((q) => q.data));
    const familyRows = content.questions.map((q) => ({ id: q.data.id, family: families.get(q.data.id) ?? null }));
    await tx`update app.questions q set variant_family = f.family
      from jsonb_to_recordset(${tx.json(familyRows)}) as f(id text, family text)
      where q.id = f.id and q.bank = 'official' and q.variant_family is distinct from f.family`;

    const ids = content.questions.map((q) => q.data.id);
    const retired = await tx`update app.questions set retired_at = now()
      where retired_at is null and bank = 'official' and id not in (select jsonb_array_elements_text(${tx.json(ids)}))`;
    report.questions.retired = retired.count;
  });
  return report;
}
