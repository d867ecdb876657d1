/**
 * YAML parsing for front matter and metadata sidecars. The `yaml` package is loaded the first time
 * a YAML text is parsed (~50–80 ms to import): `ask`, the bot and a no-change `npm run index` over a
 * corpus without Markdown or YAML sidecars never need it.
 */
import { createRequire } from 'node:module';
import type { parse as Parse } from 'yaml';

let parse: typeof Parse | undefined;

/** `yaml`'s `parse(text)`: the document's value; throws on invalid YAML. */
export function parseYaml(text: string): unknown {
  parse ??= (createRequire(import.meta.url)('yaml') as { parse: typeof Parse }).parse;
  return parse(text);
}
