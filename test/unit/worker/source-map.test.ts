import fs from 'node:fs';
import { SourceMapConsumer, SourceMapGenerator, type RawSourceMap } from 'source-map';
import { isOwnWorkflowSource, leanSourceMap, splitInlineSourceMap } from '../../../src/worker/source-map';
import { debugBundlePath } from '../../../src/worker/workflow-bundle';

const OWN = '/app/src/workflows/access-request/run.ts';
const SDK = '/app/node_modules/@temporalio/workflow/lib/workflow.js';

function twoSourceMap(): RawSourceMap {
  const g = new SourceMapGenerator({ file: 'bundle.js' });
  g.addMapping({ generated: { line: 10, column: 4 }, original: { line: 42, column: 2 }, source: OWN, name: 'run' });
  g.addMapping({ generated: { line: 20, column: 0 }, original: { line: 7, column: 0 }, source: SDK });
  g.setSourceContent(OWN, 'export async function run() {}');
  g.setSourceContent(SDK, 'exports.sleep = …');
  return g.toJSON();
}

/** The workflow bundle's source map (src/worker/source-map.ts): our files' positions, nothing else. */
describe('the lean workflow source map', () => {
  test('keeps the positions in our workflow files, drops the libraries and every source text', async () => {
    const lean = await leanSourceMap(twoSourceMap());
    expect(lean.sources).toEqual([OWN]);
    expect(lean.sourcesContent).toBeUndefined();
    await SourceMapConsumer.with(lean, null, (c) => {
      expect(c.originalPositionFor({ line: 10, column: 4 })).toMatchObject({ source: OWN, line: 42, name: 'run' });
      expect(c.originalPositionFor({ line: 20, column: 0 }).source).toBeNull();
    });
  });

  test('the built bundle maps its frames to src/workflows and its debug sibling keeps the full map', async () => {
    const bundle = process.env.LEASEHOLD_WORKFLOW_BUNDLE!;
    const lean = splitInlineSourceMap(fs.readFileSync(bundle, 'utf8'));
    const full = splitInlineSourceMap(fs.readFileSync(debugBundlePath(bundle), 'utf8'));
    expect(lean.code).toBe(full.code);
    expect(lean.map.sourcesContent).toBeUndefined();
    expect(lean.map.sources.every(isOwnWorkflowSource)).toBe(true);
    expect(lean.map.sources.some((s) => s.endsWith('src/workflows/access-request/workflow.ts'))).toBe(true);
    expect(full.map.sources.some((s) => s.includes('@temporalio/workflow'))).toBe(true);
    expect(full.map.sourcesContent?.length).toBe(full.map.sources.length);
    // The same generated position resolves to the same place in our code through either map.
    const line = lean.code.split('\n').findIndex((l) => l.includes('async function accessRequestWorkflow(')) + 1;
    expect(line).toBeGreaterThan(0);
    const column = lean.code.split('\n')[line - 1]!.indexOf('async function accessRequestWorkflow(');
    const [viaLean, viaFull] = await Promise.all(
      [lean.map, full.map].map((m) => SourceMapConsumer.with(m, null, (c) => c.originalPositionFor({ line, column }))),
    );
    expect(viaLean!.source).toMatch(/src\/workflows\/access-request\/workflow\.ts$/);
    expect(viaLean).toEqual(viaFull);
  });
});
