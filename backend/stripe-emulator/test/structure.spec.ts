import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The emulator stays split by resource: no source file in src/ over MAX_LINES lines, and no import cycle among the
 * modules of src/ (type-only imports count too: a cycle of types is still two modules that cannot be read apart).
 */

const SRC = path.resolve(__dirname, '..', 'src');
const MAX_LINES = 400;

/** files exempt from the size limit, each with its reason (paths relative to src/, `/` separated) */
const SIZE_EXEMPT: Record<string, string> = {
  'assets/stripe.js': 'the Stripe.js stand-in: one browser script served verbatim at /js/v3/stripe.js, not a TypeScript module',
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : [full];
  });
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** relative imports of a module, resolved to files in src/ (`./x` → x.ts or x/index.ts) */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), fileName);
    const target = [`${base}.ts`, path.join(base, 'index.ts'), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (!target) throw new Error(`${rel(file)}: cannot resolve import '${fileName}'`);
    out.push(target);
  }
  return out;
}

/** every elementary cycle's representative: one cycle per strongly connected component (Tarjan), as a path */
function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sccs: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) sccs.push(scc);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  // within each component, walk from its first member back to it to show one concrete cycle
  return sccs.map((scc) => {
    const members = new Set(scc);
    const start = [...scc].sort()[0];
    const prev = new Map<string, string>();
    const queue = [start];
    const seen = new Set<string>();
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          const cycle = [start];
          for (let x: string | undefined = v; x !== undefined && x !== start; x = prev.get(x)) cycle.splice(1, 0, x);
          return [...cycle, start];
        }
        if (!seen.has(w)) {
          seen.add(w);
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...scc, scc[0]];
  });
}

const files = walk(SRC);
const tsFiles = files.filter((f) => f.endsWith('.ts'));

describe('emulator source layout', () => {
  it('has no file in src/ over 400 lines (exemptions name their reason)', () => {
    const over = files
      .map((f) => ({ file: rel(f), lines: lineCount(fs.readFileSync(f, 'utf8')) }))
      .filter((x) => x.lines > MAX_LINES && !(x.file in SIZE_EXEMPT))
      .map((x) => `${x.file}: ${x.lines} lines`);
    expect(over).toEqual([]);
  });

  it('lists only exemptions that exist', () => {
    expect(Object.keys(SIZE_EXEMPT).filter((f) => !fs.existsSync(path.join(SRC, f)))).toEqual([]);
  });

  it('has no import cycle in src/', () => {
    const graph = new Map(tsFiles.map((f) => [rel(f), importsOf(f).map(rel)]));
    expect(graph.size).toBeGreaterThan(10);
    expect(findCycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('the cycle finder finds cycles (self-check)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(
      findCycles(g)
        .map((c) => c.join(' → '))
        .sort(),
    ).toEqual(['a → b → c → a', 'e → e']);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('the line counter counts like wc -l', () => {
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
  });
});
