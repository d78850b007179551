import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `.env.example` documents every variable the configuration schema reads. */
describe('.env.example', () => {
  it('names every variable that env.schema.ts reads', () => {
    const schema = readFileSync(join(__dirname, 'env.schema.ts'), 'utf8');
    const example = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
    const read = new Set<string>();
    for (const m of schema.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'/g)) read.add(m[1]);
    for (const m of schema.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)) read.add(m[1]);
    expect(read.size).toBeGreaterThan(15);
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...read].filter((v) => !documented.has(v))).toEqual([]);
  });
});
