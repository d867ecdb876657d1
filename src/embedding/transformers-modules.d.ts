/**
 * Types for the three modules of transformers.js that model.ts imports one by one (the tokenizer, the
 * config and the environment) rather than through the package's index, which also loads the models,
 * pipelines and image processors (sharp) — ~0.1–0.2 s of every start that embeds. The package has no
 * `exports` map, so the paths resolve to its files; their declarations are the package's own.
 */
declare module '@xenova/transformers/src/tokenizers.js' {
  export { AutoTokenizer, PreTrainedTokenizer } from '@xenova/transformers';
}
declare module '@xenova/transformers/src/configs.js' {
  export { AutoConfig } from '@xenova/transformers';
}
declare module '@xenova/transformers/src/env.js' {
  export { env } from '@xenova/transformers';
}
