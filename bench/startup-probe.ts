/**
 * Where a cold start's time goes: run directly (`node --import tsx bench/startup-probe.ts INDEX_DIR`)
 * by the cold-start benchmark, it imports the heavy dependencies one by one, then the project,
 * loads the model, opens the index and answers one question, printing the milliseconds of each step.
 */
import { pathToFileURL } from 'node:url';
import { reportResult } from './lib/child.js';

export interface StartupSteps {
  [step: string]: number;
}

export async function probeStartup(indexDir: string, question: string): Promise<StartupSteps> {
  const steps: StartupSteps = {};
  let last = performance.now();
  const mark = (name: string) => {
    const now = performance.now();
    steps[name] = Math.round(now - last);
    last = now;
  };
  await import('onnxruntime-node');
  mark('import onnxruntime-node');
  await import('@xenova/transformers');
  mark('import @xenova/transformers (+ onnxruntime-web, sharp)');
  await import('@langchain/core/vectorstores');
  mark('import @langchain/core/vectorstores');
  const { AnswerEngine } = await import('../src/answer/engine.js');
  const { LocalEmbeddings } = await import('../src/embedding/embedder.js');
  const { FileIndexStore } = await import('../src/index/file-store.js');
  const { modelOptions } = await import('./lib/env.js');
  mark('import the project (TypeScript via tsx) and the rest');
  const embeddings = await LocalEmbeddings.load(modelOptions(true));
  mark('load the model (tokenizer, ONNX session)');
  const store = await FileIndexStore.open(indexDir);
  mark('open the index');
  await new AnswerEngine(store, embeddings).ask(question);
  mark('answer the first question');
  return steps;
}

export interface ModelLoad {
  ms: number;
  /** RSS after loading and embedding one text, MB. */
  rssMB: number;
}

/**
 * Loads the model one way in a fresh process: `transformers` as the code before this change did
 * (AutoTokenizer + AutoModel.from_pretrained: transformers.js reads the file into a buffer and
 * creates the session), or `verbatim` (LocalEmbeddings.load: the session reads the file itself).
 */
export async function probeModelLoad(way: 'transformers' | 'verbatim'): Promise<ModelLoad> {
  const { AutoModel, AutoTokenizer, env } = await import('@xenova/transformers');
  const { LocalEmbeddings } = await import('../src/embedding/embedder.js');
  const { modelOptions } = await import('./lib/env.js');
  const options = modelOptions(true);
  const started = performance.now();
  if (way === 'verbatim') {
    await (await LocalEmbeddings.load(options)).embedOne('warm up');
  } else {
    env.allowRemoteModels = false;
    env.localModelPath = `${options.modelDir}/`;
    const [tokenizer, model] = await Promise.all([AutoTokenizer.from_pretrained(options.modelId), AutoModel.from_pretrained(options.modelId, { quantized: true })]);
    await model(tokenizer('warm up'));
  }
  const ms = Math.round(performance.now() - started);
  return { ms, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, arg, question] = process.argv.slice(2);
  if (mode === 'model-load') reportResult(await probeModelLoad(arg === 'transformers' ? 'transformers' : 'verbatim'));
  else reportResult(await probeStartup(arg!, question ?? 'What happened?'));
}
