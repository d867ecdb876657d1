/**
 * A Hugging Face hub stand-in for tests: an HTTP server on 127.0.0.1 that serves the files of a local model
 * directory (transformers.js layout, e.g. ../shared/models) at the hub's addresses,
 * `/<model id>/resolve/<revision>/<file>`. It records each request and can cut a file's download short
 * (Content-Length of the whole file, then half of it, then the connection closes) or answer an error status.
 *
 * ```ts
 * const hub = await startModelHubStandin(MODEL_DIR);
 * process.env.MODEL_HUB_URL = hub.url;
 * hub.truncate('onnx/model_quantized.onnx');
 * ```
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface ModelHubStandin {
  /** The hub's base URL (what MODEL_HUB_URL takes). */
  url: string;
  /** Paths requested so far, in order (e.g. `/Xenova/all-MiniLM-L6-v2/resolve/main/config.json`). */
  requests: string[];
  /** From now on, downloads of `file` (a path inside the model, e.g. `onnx/model.onnx`) stop half-way. */
  truncate(file: string): void;
  /** From now on, downloads of `file` send half of it and then nothing, holding the connection open. */
  stall(file: string): void;
  /** From now on, requests for `file` get `status`. */
  fail(file: string, status: number): void;
  /** Serves every file normally again. */
  heal(): void;
  close(): Promise<void>;
}

export async function startModelHubStandin(modelRoot: string): Promise<ModelHubStandin> {
  const requests: string[] = [];
  const truncated = new Set<string>();
  const stalled = new Set<string>();
  const failing = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hub');
    requests.push(url.pathname);
    const match = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(decodeURIComponent(url.pathname));
    const modelId = match?.[1];
    const file = match?.[2];
    if (!modelId || !file || file.split('/').includes('..') || modelId.split('/').includes('..')) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    const status = failing.get(file);
    if (status !== undefined) {
      response.writeHead(status, { 'content-type': 'text/plain' }).end('stand-in failure');
      return;
    }
    const full = path.join(modelRoot, modelId, file);
    stat(full).then(
      (stats) => {
        if (!stats.isFile()) throw new Error('not a file');
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(stats.size) });
        if (stalled.has(file)) {
          createReadStream(full, { start: 0, end: Math.floor(stats.size / 2) - 1 }).pipe(response, { end: false });
        } else if (truncated.has(file)) {
          createReadStream(full, { start: 0, end: Math.floor(stats.size / 2) - 1 })
            .on('end', () => response.destroy())
            .pipe(response, { end: false });
        } else {
          createReadStream(full).pipe(response);
        }
      },
      () => response.writeHead(404).end('Entry not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    truncate: (file) => truncated.add(file),
    stall: (file) => stalled.add(file),
    fail: (file, status) => failing.set(file, status),
    heal: () => {
      truncated.clear();
      stalled.clear();
      failing.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
