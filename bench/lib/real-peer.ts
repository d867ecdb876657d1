/**
 * The real LangChain.js peer (bench/peer/): its own package, because @langchain/community will not
 * install beside this project's zod 4 / dotenv 17. It is installed with
 * `ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --legacy-peer-deps` in bench/peer (the benchmark does
 * that itself when its node_modules is missing or differs from the pinned versions) and run as a
 * child process, `node bench/peer/peer.mjs`, with its input as JSON on stdin.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from './env.js';

export const PEER_DIR = path.join(PROJECT_ROOT, 'bench', 'peer');
export const PEER_SCRIPT = path.join(PEER_DIR, 'peer.mjs');
export const PEER_MARKER = '@@peer-result ';
export const PEER_INSTALL_COMMAND = 'ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --legacy-peer-deps';

export interface PeerInput {
  /** Corpus files (absolute paths); a passage's source is its file name without extension. */
  files: string[];
  questions: string[];
  k: number;
  modelDir?: string;
  model?: string;
  /** transformers.js dtype (e.g. 'q8'); absent: the library's default (fp32 on Node). */
  dtype?: string;
}

const peerOutputSchema = z.object({
  versions: z.record(z.string(), z.string()),
  node: z.string(),
  settings: z.object({
    model: z.string(),
    dtype: z.string().nullable(),
    batchSize: z.number(),
    stripNewLines: z.boolean(),
    chunkSize: z.number(),
    chunkOverlap: z.number(),
    space: z.string(),
    k: z.number(),
  }),
  files: z.number(),
  passages: z.number(),
  modelLoadMs: z.number(),
  splitMs: z.number(),
  buildMs: z.number(),
  /** CPU time (user + system) of the peer process from its start to the end of the build: imports, model load, build. */
  cpuMsToBuildEnd: z.number(),
  rssAfterModelMB: z.number(),
  peakRssAfterBuildMB: z.number(),
  peakRssMB: z.number(),
  answers: z.array(z.object({ ms: z.number(), sources: z.array(z.string()) })),
});

export type PeerOutput = z.infer<typeof peerOutputSchema>;

/** The peer's result from its stdout: the last line after the marker, checked. */
export function parsePeerOutput(stdout: string): PeerOutput {
  const line = stdout
    .split('\n')
    .filter((l) => l.startsWith(PEER_MARKER))
    .at(-1);
  if (line === undefined) throw new Error('The peer printed no result line.');
  const parsed = peerOutputSchema.safeParse(JSON.parse(line.slice(PEER_MARKER.length)));
  if (!parsed.success) throw new Error(`The peer's result is not in the expected form: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Pinned dependencies of bench/peer/package.json whose installed version is missing or different. */
export function staleDependencies(pinned: Readonly<Record<string, string>>, installed: (name: string) => string | undefined): string[] {
  return Object.entries(pinned)
    .filter(([name, version]) => installed(name) !== version)
    .map(([name]) => name);
}

function pinnedDependencies(): Record<string, string> {
  return (JSON.parse(readFileSync(path.join(PEER_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
}

function installedVersion(name: string): string | undefined {
  const file = path.join(PEER_DIR, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

export interface PeerInstall {
  /** How the peer's node_modules came to be, for the report. */
  how: string;
  seconds: number;
}

/** Installs bench/peer's dependencies from its lock file unless they are there at the pinned versions. */
export async function ensurePeerInstalled(log: (line: string) => void): Promise<PeerInstall> {
  const stale = staleDependencies(pinnedDependencies(), installedVersion);
  if (stale.length === 0) return { how: `already installed in bench/peer (\`${PEER_INSTALL_COMMAND}\`)`, seconds: 0 };
  log(`installing the peer in bench/peer (${stale.join(', ')} missing or not at the pinned version): ${PEER_INSTALL_COMMAND}`);
  const started = performance.now();
  const { code, output } = await run('npm', ['ci', '--legacy-peer-deps', '--no-audit', '--no-fund'], { ...process.env, ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' }, '');
  if (code !== 0) {
    throw new Error(`Installing the peer failed (exit ${code}). Install it by hand: cd bench/peer && ${PEER_INSTALL_COMMAND}\n${output.slice(-2000)}`);
  }
  const still = staleDependencies(pinnedDependencies(), installedVersion);
  if (still.length > 0) throw new Error(`After npm ci, bench/peer still lacks ${still.join(', ')} at the pinned versions.`);
  const seconds = Math.round((performance.now() - started) / 1000);
  return { how: `installed by this run: \`cd bench/peer && ${PEER_INSTALL_COMMAND}\` (${seconds} s)`, seconds };
}

/** Runs the peer once in its own process; its stderr is kept for the error if it fails. */
export async function runRealPeer(input: PeerInput): Promise<PeerOutput & { wallMs: number }> {
  const started = performance.now();
  // No secrets for the child: only what node and onnxruntime need.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };
  const { code, stdout, output } = await run(process.execPath, [PEER_SCRIPT], env, JSON.stringify(input));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`The peer (node bench/peer/peer.mjs) exited with ${code}:\n${output.slice(-2000)}`);
  return { ...parsePeerOutput(stdout), wallMs: Math.round(wallMs) };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<{ code: number | null; stdout: string; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PEER_DIR, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, output }));
    child.stdin.end(stdin);
  });
}

/** GNU time's `-f '%U %S'` output (its last line; a failed command adds a line before it): user + system CPU seconds, or null. */
export function parseGnuTime(text: string): number | null {
  const last = text.trim().split('\n').at(-1) ?? '';
  const match = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(last.trim());
  return match ? Number(match[1]) + Number(match[2]) : null;
}
