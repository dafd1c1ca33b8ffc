// src/interop is shared by functions and Solid islands: no Node built-ins, no file or network access.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../src/interop/', import.meta.url);

describe('src/interop stays pure', () => {
  it('imports no Node built-ins and does no I/O', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      expect(src, f).not.toMatch(/from ['"](node:|fs|path|os|child_process|http|https|net)['"/]/);
      expect(src, f).not.toMatch(/\b(fetch|require)\(/);
    }
  });
});
