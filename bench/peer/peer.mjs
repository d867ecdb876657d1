/**
 * The peer of Verbatim's benchmark (bench/peer.ts), run as its own process from its own package:
 * the real @langchain/community HNSWLib store with HuggingFaceTransformersEmbeddings and the
 * default RecursiveCharacterTextSplitter, as a LangChain.js tutorial would set them up.
 *
 *   echo '{"files":[...],"questions":[...],"k":30}' | node bench/peer/peer.mjs
 *
 * Input (JSON on stdin):
 *   files      corpus files; each is read whole, split, and its passages carry source = file name without extension
 *   questions  questions, answered with similaritySearch(question, k) after one warm-up pass
 *   k          passages per question (default 4, similaritySearch's own default)
 *   modelDir   transformers.js env.localModelPath (remote models are switched off)
 *   model      model id (default: HuggingFaceTransformersEmbeddings's own, Xenova/all-MiniLM-L6-v2)
 *   dtype      pretrainedOptions.dtype; absent: the library's default (fp32 on Node: onnx/model.onnx)
 *
 * Output: one line on stdout, "@@peer-result " then JSON (see bench/lib/peer-output.ts).
 * Nothing else of the library is configured: splitter 1000/200, embeddings batchSize 512 with
 * newlines stripped, HNSWLib's cosine space and hnswlib-node's defaults.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { env } from '@huggingface/transformers';
import { HuggingFaceTransformersEmbeddings } from '@langchain/community/embeddings/huggingface_transformers';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

const MARKER = '@@peer-result ';
const PACKAGES = ['@langchain/community', '@langchain/core', '@langchain/textsplitters', '@huggingface/transformers', 'onnxruntime-node', 'hnswlib-node'];

/** Peak RSS of this process in MB: VmHWM (maxRSS can carry the parent's peak over exec on Linux). */
function peakRssMB() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Math.round((Number(hwm[1]) / 1024) * 10) / 10;
  } catch {
    // not Linux
  }
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

function versions() {
  const out = {};
  for (const name of PACKAGES) {
    try {
      const file = path.join(import.meta.dirname, 'node_modules', name, 'package.json');
      out[name] = JSON.parse(readFileSync(file, 'utf8')).version;
    } catch {
      out[name] = '?';
    }
  }
  return out;
}

async function readStdin() {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

async function main() {
  const input = await readStdin();
  const k = input.k ?? 4;
  env.allowRemoteModels = false;
  if (input.modelDir) env.localModelPath = input.modelDir.endsWith('/') ? input.modelDir : `${input.modelDir}/`;

  const fields = {};
  if (input.model) fields.model = input.model;
  if (input.dtype) fields.pretrainedOptions = { dtype: input.dtype };
  const embeddings = new HuggingFaceTransformersEmbeddings(fields);

  // Load the model first (the pipeline is made on the first call), so that the build time below
  // is splitting, embedding and indexing, as Verbatim's is.
  const t0 = performance.now();
  await embeddings.embedQuery('warm up');
  const modelLoadMs = performance.now() - t0;
  const rssAfterModelMB = peakRssMB();

  const started = performance.now();
  const splitter = new RecursiveCharacterTextSplitter();
  const docs = [];
  for (const file of input.files) {
    const text = await readFile(file, 'utf8');
    const source = path.parse(file).name;
    docs.push(...(await splitter.splitDocuments([new Document({ pageContent: text, metadata: { source } })])));
  }
  const splitMs = performance.now() - started;
  const store = await HNSWLib.fromDocuments(docs, embeddings);
  const buildMs = performance.now() - started;
  const peakRssAfterBuildMB = peakRssMB();
  // CPU seconds of this process so far (imports, model, build), less swayed than wall time by other work on the machine.
  const cpu = process.cpuUsage();
  const cpuMsToBuildEnd = (cpu.user + cpu.system) / 1000;

  const questions = input.questions;
  for (const q of questions) await store.similaritySearch(q, k);
  const answers = [];
  for (const q of questions) {
    const t = performance.now();
    const hits = await store.similaritySearch(q, k);
    const ms = performance.now() - t;
    answers.push({ ms: Math.round(ms * 100) / 100, sources: hits.map((d) => String(d.metadata.source)) });
  }

  const result = {
    versions: versions(),
    node: process.version,
    settings: {
      model: embeddings.model,
      dtype: input.dtype ?? null,
      batchSize: embeddings.batchSize,
      stripNewLines: embeddings.stripNewLines,
      chunkSize: splitter.chunkSize,
      chunkOverlap: splitter.chunkOverlap,
      space: store.args.space,
      k,
    },
    files: input.files.length,
    passages: docs.length,
    modelLoadMs: Math.round(modelLoadMs),
    splitMs: Math.round(splitMs),
    buildMs: Math.round(buildMs),
    cpuMsToBuildEnd: Math.round(cpuMsToBuildEnd),
    rssAfterModelMB,
    peakRssAfterBuildMB,
    peakRssMB: peakRssMB(),
    answers,
  };
  process.stdout.write(`\n${MARKER}${JSON.stringify(result)}\n`);
}

await main();
