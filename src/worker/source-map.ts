import { SourceMapConsumer, SourceMapGenerator, type RawSourceMap } from 'source-map';

/**
 * The workflow bundle's inline source map, made lean. Webpack's map covers every module in the bundle
 * (the SDK, zod, our workflows) and carries each one's full source text; each workflow thread parses
 * it, and with two workflow threads it cost about 60 MiB of the worker's memory (measured: 213 MiB for
 * two idle workflow workers, 154 MiB with this map). A stack trace only needs our workflow files'
 * positions: the lean map keeps the mappings into them and no source text. Frames in the SDK or a
 * library keep their bundle positions. The full map stays in the debug bundle, which the worker runs
 * when workflow stack traces are on (the UI's "Stack Trace" tab shows the sources).
 */

const MARK = '//# sourceMappingURL=data:';
const BASE64 = 'base64,';

/** Our workflow code, as the map names it (an absolute path, or webpack's `webpack://…/src/workflows/…`). */
export const isOwnWorkflowSource = (source: string): boolean =>
  /\/(src|dist)\/workflows\//.test(source) && !source.includes('node_modules');

/** The bundle's code and its inline map (the form the Temporal worker requires). */
export function splitInlineSourceMap(bundle: string): { code: string; map: RawSourceMap } {
  const at = bundle.lastIndexOf(MARK);
  const data = bundle.indexOf(BASE64, at);
  if (at < 0 || data < 0) throw new Error('the workflow bundle has no inline source map');
  const map = JSON.parse(
    Buffer.from(bundle.slice(data + BASE64.length).trim(), 'base64').toString('utf8'),
  ) as RawSourceMap;
  return { code: bundle.slice(0, at), map };
}

function withInlineSourceMap(code: string, map: RawSourceMap): string {
  return `${code}${MARK}application/json;charset=utf-8;${BASE64}${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}

/** The map's mappings into sources that `keep` selects, without any source text. */
export async function leanSourceMap(
  map: RawSourceMap,
  keep: (source: string) => boolean = isOwnWorkflowSource,
): Promise<RawSourceMap> {
  const lean = new SourceMapGenerator({ file: map.file });
  await SourceMapConsumer.with(map, null, (consumer) => {
    consumer.eachMapping((m) => {
      if (!m.source || !keep(m.source)) return;
      lean.addMapping({
        generated: { line: m.generatedLine, column: m.generatedColumn },
        original: { line: m.originalLine, column: m.originalColumn },
        source: m.source,
        ...(m.name ? { name: m.name } : {}),
      });
    });
  });
  return lean.toJSON();
}

/** A bundle with its inline map made lean. */
export async function leanBundle(bundle: string): Promise<string> {
  const { code, map } = splitInlineSourceMap(bundle);
  return withInlineSourceMap(code, await leanSourceMap(map));
}
