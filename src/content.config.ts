/**
 * Astro content collections. Shapes live in src/content/schemas.ts (shared with the content check,
 * the content sync and the server); this file only wires loaders to them.
 *
 * - instruments: the regulation register, content/instruments/register.yaml (file loader).
 * - lessons:     content/lessons/**\/*.mdx (glob loader; entry id = file name = frontmatter id).
 * - questions:   every list in content/questions/*.yaml, one entry per question (custom loader).
 *   Entries include answer keys because the build needs stems and options; pages must never render
 *   keys — use toPublicQuestion() from src/content/schemas.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineCollection } from 'astro:content';
import { file, glob } from 'astro/loaders';
import type { Loader, LoaderContext } from 'astro/loaders';
import { parse as parseYaml } from 'yaml';
import { instrumentSchema, lessonFrontmatterSchema, questionSchema } from './content/schemas.ts';
import { parseQuestionBank, QUESTION_FILE_RE } from './content/question-banks.ts';

const QUESTIONS_DIR = 'content/questions';

/** Loads each question of each content/questions/*.yaml list as its own entry; reloads on change in dev. */
function questionBanks(dir: string): Loader {
  return {
    name: 'xiaobao-question-banks',
    load: async (ctx: LoaderContext) => {
      const root = fileURLToPath(ctx.config.root);
      const absDir = path.resolve(root, dir);

      const sync = async (): Promise<void> => {
        let names: string[] = [];
        try {
          names = (await readdir(absDir)).filter((n) => QUESTION_FILE_RE.test(n)).sort();
        } catch {
          ctx.logger.warn(`no question banks: ${dir}/ not found`);
        }
        const seen = new Map<string, string>();
        const entries: Array<{ id: string; data: Record<string, unknown>; filePath: string; digest: string }> = [];
        for (const name of names) {
          const filePath = `${dir}/${name}`;
          const bank = parseQuestionBank(await readFile(path.join(absDir, name), 'utf8'));
          if (bank.errors.length > 0) throw new Error(`${filePath}: ${bank.errors.join('; ')}`);
          for (const entry of bank.entries) {
            if (entry.id === null) throw new Error(`${filePath}: question #${entry.index + 1} has no id`);
            const other = seen.get(entry.id);
            if (other) throw new Error(`${filePath}: duplicate question id ${entry.id} (also in ${other})`);
            seen.set(entry.id, filePath);
            const raw = entry.data as Record<string, unknown>;
            const data = await ctx.parseData({ id: entry.id, data: raw, filePath });
            entries.push({ id: entry.id, data, filePath, digest: ctx.generateDigest(raw) });
          }
        }
        ctx.store.clear();
        for (const e of entries) ctx.store.set(e);
      };

      await sync();

      if (ctx.watcher) {
        ctx.watcher.add(absDir);
        const onChange = async (changed: string): Promise<void> => {
          if (!QUESTION_FILE_RE.test(changed) || path.dirname(path.resolve(changed)) !== absDir) return;
          try {
            await sync();
            ctx.logger.info(`reloaded question banks (${path.basename(changed)})`);
          } catch (e) {
            ctx.logger.error(e instanceof Error ? e.message : String(e));
          }
        };
        ctx.watcher.on('add', onChange);
        ctx.watcher.on('change', onChange);
        ctx.watcher.on('unlink', onChange);
      }
    },
  };
}

const instruments = defineCollection({
  loader: file('content/instruments/register.yaml', { parser: (text) => parseYaml(text) }),
  schema: instrumentSchema,
});

const lessons = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content/lessons' }),
  schema: lessonFrontmatterSchema,
});

const questions = defineCollection({
  loader: questionBanks(QUESTIONS_DIR),
  schema: questionSchema,
});

export const collections = { instruments, lessons, questions };
