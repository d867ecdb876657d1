/** HTTP plumbing for the stand-in's REST side: reading bodies (JSON and multipart), recording, faults. */
import type { IncomingMessage } from 'node:http';
import type { FormIssue } from './validate.js';

/** A file uploaded in a multipart request. */
export interface RecordedFile {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

/** How a request authenticated itself. */
export interface RecordedAuth {
  /** `bot` for `Authorization: Bot <token>`, `bearer`, `other`, or `none` when the header was absent. */
  kind: 'bot' | 'bearer' | 'other' | 'none';
  /** The token after the prefix, if any. */
  token: string | null;
}

/** One HTTP request the bot made, with what the stand-in answered. */
export interface RecordedRequest {
  /** 1-based position in the log. */
  seq: number;
  /** Unix ms when the request arrived. */
  time: number;
  method: string;
  /** The route under `/api/v10`, percent-decoded, without the query string, e.g. `/channels/123/messages`, `/webhooks/…/messages/@original`. */
  path: string;
  /** The request URL path with query, as sent (not decoded). */
  url: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  auth: RecordedAuth;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body; `undefined` without a body. */
  body: unknown;
  /** Files of a multipart body. */
  files: RecordedFile[];
  /** Set once the stand-in has answered. */
  response: { status: number; body: unknown; headers: Record<string, string> } | null;
  /** Set when an injected fault answered instead of the normal handler. */
  fault: 'rate-limit' | 'server-error' | 'client-error' | 'reset' | null;
  /** Form issues found in the body (the request was answered 400). */
  issues: FormIssue[];
}

/** Matches requests by method and path. A string path may use `:name` placeholders: `/interactions/:id/:token/callback`. */
export type RequestMatcher =
  | { method?: string; path?: string | RegExp }
  | ((request: RecordedRequest) => boolean);

/** Turns a matcher into a predicate. */
export function compileMatcher(matcher: RequestMatcher): (request: RecordedRequest) => boolean {
  if (typeof matcher === 'function') return matcher;
  const method = matcher.method?.toUpperCase();
  const path = matcher.path;
  let pathTest: ((p: string) => boolean) | null = null;
  if (typeof path === 'string') {
    const pattern = new RegExp(
      `^${path
        .split('/')
        .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}$`,
    );
    pathTest = (p) => pattern.test(p);
  } else if (path instanceof RegExp) {
    pathTest = (p) => path.test(p);
  }
  return (request) => (method === undefined || request.method === method) && (pathTest === null || pathTest(request.path));
}

/** A fault to inject into matching REST responses. */
export interface FaultSpec {
  /** Which requests the fault applies to. */
  match: RequestMatcher;
  /** How many matching requests it answers (default 1). */
  times?: number;
  /**
   * Status to answer with: 429 for a rate limit, 5xx for a server error, another 4xx for a refusal with
   * `code` (e.g. 403 with 50013 Missing Permissions). Omit with `delayMs` to only slow the response.
   */
  status?: number;
  /** For another 4xx (e.g. 403): Discord's JSON error code, e.g. 50013 Missing Permissions (default 0). */
  code?: number;
  /** For another 4xx: the error message (default: Discord's for `code`, or the status text). */
  message?: string;
  /** For 429: seconds to wait, sent in `retry-after` and the body (default 0.05). */
  retryAfterSeconds?: number;
  /** For 429: whether it is the global rate limit (adds `x-ratelimit-global`). */
  global?: boolean;
  /** For 429: the `x-ratelimit-scope` header (default `user`, or `global` when global). */
  scope?: 'user' | 'shared' | 'global';
  /** Wait this long before answering (or resetting). */
  delayMs?: number;
  /** Destroy the socket without an answer (the client sees ECONNRESET). */
  resetConnection?: boolean;
}

/** A live injected fault. */
export interface FaultHandle {
  /** How many requests it has answered so far. */
  readonly hits: number;
  /** How many more it will answer. */
  readonly remaining: number;
  /** Stops it from answering any more requests. */
  cancel(): void;
}

/** Internal state of an injected fault. */
export class Fault implements FaultHandle {
  hits = 0;
  remaining: number;
  readonly test: (request: RecordedRequest) => boolean;

  constructor(readonly spec: FaultSpec) {
    this.remaining = spec.times ?? 1;
    this.test = compileMatcher(spec.match);
  }

  cancel(): void {
    this.remaining = 0;
  }
}

/** Reads a whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The parsed body of a request: JSON, or multipart with `payload_json` and files. */
export interface ParsedBody {
  body: unknown;
  files: RecordedFile[];
  /** Set when the body could not be parsed. */
  error: string | null;
}

/** Parses a JSON or multipart/form-data body the way Discord does. */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, files: [], error: null };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    try {
      const form = await new Request('http://standin.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType ?? '' },
        body: raw,
      }).formData();
      const files: RecordedFile[] = [];
      let body: unknown = undefined;
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = JSON.parse(value) as unknown;
        } else {
          const data = Buffer.from(await value.arrayBuffer());
          files.push({ field, filename: value.name, contentType: value.type, size: data.length, data });
        }
      }
      return { body, files, error: null };
    } catch (error) {
      return { body: undefined, files: [], error: `Invalid multipart body: ${String(error)}` };
    }
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')) as unknown, files: [], error: null };
  } catch {
    return { body: undefined, files: [], error: 'The request body contains invalid JSON.' };
  }
}

/** Splits an Authorization header into its kind and token. */
export function parseAuth(header: string | undefined): RecordedAuth {
  if (header === undefined || header === '') return { kind: 'none', token: null };
  const match = /^(Bot|Bearer)\s+(.+)$/i.exec(header);
  if (!match) return { kind: 'other', token: header };
  const prefix = (match[1] ?? '').toLowerCase();
  return { kind: prefix === 'bot' ? 'bot' : 'bearer', token: match[2] ?? null };
}

/** Flattens Node's header object to lower-cased single strings. */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
