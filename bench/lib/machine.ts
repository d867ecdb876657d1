/** The machine a result was taken on. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './env.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  onnxruntime: string;
  transformers: string;
  hnswlib: string;
  date: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews absolute numbers. */
  loadAverage: number[];
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '?';
  } catch {
    return '?';
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntime: packageVersion('onnxruntime-node'),
    transformers: packageVersion('@xenova/transformers'),
    hnswlib: packageVersion('hnswlib-node'),
    date: new Date().toISOString(),
    loadAverage: [round1(os.loadavg()[0]!)],
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
