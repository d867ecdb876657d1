/**
 * Runs once before the test files. Points the tests at the local model directory
 * (MODEL_DIR, default ../shared/models beside the project) and fails early, with a
 * clear message, if the model files are not there.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export default function setup(): void {
  const dir = process.env.MODEL_DIR ?? path.resolve(import.meta.dirname, '../../../shared/models');
  const onnx = path.join(dir, 'Xenova', 'all-MiniLM-L6-v2', 'onnx', 'model_quantized.onnx');
  if (!existsSync(onnx)) {
    throw new Error(
      `The tests need the embedding model in a local directory, and ${onnx} does not exist.\n` +
        `Set MODEL_DIR to a transformers.js model directory holding Xenova/all-MiniLM-L6-v2 (e.g. MODEL_DIR=../shared/models).`,
    );
  }
  process.env.MODEL_DIR = dir;
}
