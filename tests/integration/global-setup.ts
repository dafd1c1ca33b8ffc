// Vitest global setup: a folder for this run's template database (built lazily by the first
// integration test file that needs it, see harness.ts), removed at the end with the PostgreSQL
// template database if one was made. A unit-only run never builds anything.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openSql } from '../../src/server/sql.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    xbTemplateDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xb-test-template-'));
  project.provide('xbTemplateDir', dir);
  return async () => {
    const nameFile = path.join(dir, 'postgres-template');
    if (existsSync(nameFile) && process.env.TEST_DATABASE_URL) {
      const admin = openSql(process.env.TEST_DATABASE_URL);
      await admin.unsafe(`drop database if exists ${readFileSync(nameFile, 'utf8').trim()} with (force)`).catch(() => {});
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
