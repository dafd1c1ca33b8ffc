// The server Playwright runs: a fresh database for every run, then the real `npm start` server.
// Embedded by default (a fresh .data-e2e); with TEST_DATABASE_URL, a fresh throwaway database on
// that PostgreSQL, so the end-to-end suite also runs in the self-hosted mode.
// (Not a globalSetup: Playwright starts the web server BEFORE globalSetup.)
import { rmSync } from 'node:fs';
import path from 'node:path';
import { openSql } from '../../src/server/sql.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = process.env.DATA_DIR ?? '.data-e2e';
// resolve, not join: an absolute DATA_DIR (/tmp/…) must be cleared too, not a path below the repo.
rmSync(path.resolve(root, dataDir), { recursive: true, force: true });
process.env.DATA_DIR = dataDir;

const base = process.env.TEST_DATABASE_URL;
if (base) {
  const name = `xb_e2e_${process.env.PORT ?? '4390'}`;
  const admin = openSql(base);
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
}

await import('../../scripts/start.ts');
