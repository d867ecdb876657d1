/**
 * The stand-in's gateway: a WebSocket server speaking Discord's gateway protocol (v10, JSON, uncompressed):
 * HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay of missed dispatches,
 * RECONNECT / INVALID_SESSION on request, and intent-aware dispatching.
 *
 * Sharding as Discord does it: an IDENTIFY may carry `shard: [id, count]`; that session then gets only the
 * guilds with `(guild_id >> 22) % count === id` (in READY, GUILD_CREATE and every guild event), and events
 * outside guilds (DMs) go to shard 0. An IDENTIFY without `shard` is shard [0, 1]: every guild.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { GatewayIntentBits, GatewayOpcodes, type GatewayReadyDispatchData } from 'discord.js';
import { WaitableLog } from './wait.js';
import { isRecord } from './validate.js';

/** Intents Discord treats as privileged. */
export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** Every intent bit that exists. */
const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((all, bit) => all | bit, 0);

/** Something that happened on the gateway, in order. `conn` numbers the WebSocket connections from 1. */
export type GatewayEvent =
  | { kind: 'connect'; conn: number; time: number; path: string; query: Record<string, string> }
  | {
      kind: 'identify';
      conn: number;
      time: number;
      token: string;
      intents: number;
      properties: unknown;
      shard: unknown;
      compress: unknown;
      presence: unknown;
    }
  | { kind: 'resume'; conn: number; time: number; token: string; sessionId: string; seq: number; accepted: boolean }
  | { kind: 'ready'; conn: number; time: number; sessionId: string; shard: [number, number] }
  | { kind: 'resumed'; conn: number; time: number; sessionId: string; replayed: number }
  | { kind: 'heartbeat'; conn: number; time: number; seq: number | null; acked: boolean }
  | { kind: 'op'; conn: number; time: number; op: number; d: unknown }
  | { kind: 'close'; conn: number; time: number; code: number; by: 'client' | 'server' }
  | { kind: 'dispatch'; time: number; t: string; s: number; sessionId: string; delivered: boolean }
  | { kind: 'filtered'; time: number; t: string; sessionId: string; missingIntents: number };

/** A dispatch as sent on the wire. */
interface DispatchFrame {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

interface Session {
  id: string;
  token: string;
  intents: number;
  /** `[id, count]` from IDENTIFY (`[0, 1]` without one). */
  shard: [number, number];
  seq: number;
  log: DispatchFrame[];
  conn: Connection | null;
  invalid: boolean;
}

interface Connection {
  id: number;
  ws: WebSocket;
  session: Session | null;
  /** Set when the stand-in closed the connection itself. */
  closedByServer: boolean;
}

/** What the gateway needs from the rest of the stand-in. */
export interface GatewayHost {
  /** The READY payload for a new session of shard `[id, count]`. */
  readyData(sessionId: string, resumeGatewayUrl: string, shard: [number, number]): GatewayReadyDispatchData;
  /** GUILD_CREATE payloads for the available guilds of shard `[id, count]`, sent after READY. */
  guildCreates(shard: [number, number]): unknown[];
}

/** Gateway settings. */
export interface GatewayOptions {
  heartbeatIntervalMs: number;
  /** When set, IDENTIFY/RESUME with another token is closed with 4004. */
  token: string | undefined;
  /** Privileged intents the application has enabled; asking for others closes with 4014. */
  privilegedIntents: number;
  /** The ws:// base URL clients reach the stand-in on. */
  url: string;
}

/** The gateway server. */
export class Gateway {
  /** Everything that happened, oldest first. */
  readonly events = new WaitableLog<GatewayEvent>('gateway event');
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Session>();
  /** The live session of each shard id, the latest IDENTIFY or RESUME winning. */
  private readonly current = new Map<number, Session>();
  private connCount = 0;
  private acks = true;
  private identifyRefusal: { code: number; reason: string } | null = null;

  constructor(
    private readonly options: GatewayOptions,
    private readonly host: GatewayHost,
  ) {}

  /** The URL READY gives as `resume_gateway_url`, distinct from the first URL so tests can tell them apart. */
  get resumeUrl(): string {
    return `${this.options.url}/resume`;
  }

  /** Intents of shard 0's session (0 without one). */
  get intents(): number {
    return this.current.get(0)?.intents ?? 0;
  }

  /** Intents of the session that receives events of `guildId` (null: outside guilds), 0 without one. */
  intentsFor(guildId: string | null): number {
    return this.sessionFor(guildId)?.intents ?? 0;
  }

  /** Whether the bot has identified (a session exists, connected or not). */
  get hasSession(): boolean {
    return this.current.size > 0;
  }

  /** Whether a session would receive events of `guildId` (null: outside guilds). */
  hasSessionFor(guildId: string | null): boolean {
    return this.sessionFor(guildId) !== undefined;
  }

  /** Whether shard 0's session exists and its socket is open. */
  get connected(): boolean {
    return this.current.get(0)?.conn?.ws.readyState === WebSocket.OPEN;
  }

  /**
   * The session that receives events of `guildId`: the one whose `[id, count]` the guild falls in
   * (`(guild_id >> 22) % count === id`); for null (DMs, events outside guilds), shard 0's.
   */
  private sessionFor(guildId: string | null): Session | undefined {
    if (guildId === null) return this.current.get(0);
    for (const session of this.current.values()) {
      const [id, count] = session.shard;
      if (shardOf(guildId, count) === id) return session;
    }
    return undefined;
  }

  /** Accepts an HTTP upgrade request as a gateway connection. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  /**
   * Closes every IDENTIFY from now on with `code` (after the token check), as Discord does for 4013
   * invalid or 4014 disallowed intents whatever the application's settings; null goes back to normal.
   */
  refuseIdentify(code: number | null, reason = 'Refused by the stand-in'): void {
    this.identifyRefusal = code === null ? null : { code, reason };
  }

  /** Turns heartbeat ACKs on or off (off simulates a zombie connection). */
  setHeartbeatAcks(enabled: boolean): void {
    this.acks = enabled;
  }

  /**
   * Sends a dispatch to the session of `guildId`'s shard (null: shard 0, as Discord sends DMs), if its intents
   * allow (`requiredIntents` are OR-ed bits, any of which suffices; 0 means always). While the socket is down
   * the dispatch is kept and replayed on RESUME. Returns whether it was delivered, queued, or filtered out by intents.
   */
  dispatch(t: string, d: unknown, requiredIntents = 0, guildId: string | null = null): 'delivered' | 'queued' | 'filtered' {
    const session = this.sessionFor(guildId);
    if (!session) {
      const whose = guildId === null ? '' : ` for guild ${guildId}`;
      throw new Error(`Cannot dispatch ${t}: no gateway session${whose} (has the bot, or that guild's shard, logged in to the stand-in?)`);
    }
    return this.dispatchTo(session, t, d, requiredIntents);
  }

  /**
   * Drops the current connection: closes it with `code` (default 4000, "unknown error", which clients resume
   * after) or, with `terminate`, destroys the socket without a close frame (the client sees 1006).
   * Resolves once the socket is closed.
   */
  async dropConnection(options: { code?: number; terminate?: boolean; shard?: number } = {}): Promise<void> {
    const conn = this.current.get(options.shard ?? 0)?.conn;
    if (!conn) throw new Error('No open gateway connection to drop');
    const closed = new Promise<void>((resolve) => conn.ws.once('close', () => resolve()));
    conn.closedByServer = true;
    if (options.terminate) conn.ws.terminate();
    else conn.ws.close(options.code ?? 4000, 'Dropped by the stand-in');
    this.detach(conn);
    await closed;
  }

  /** Sends op 7 RECONNECT on a shard's connection (default 0; clients close and RESUME). */
  sendReconnect(shard = 0): void {
    this.sendOp(shard, GatewayOpcodes.Reconnect, null);
  }

  /** Sends op 9 INVALID_SESSION to a shard (default 0); unless `resumable`, the session can no longer be resumed. */
  invalidateSession(resumable: boolean, shard = 0): void {
    const session = this.current.get(shard);
    if (!resumable && session) session.invalid = true;
    this.sendOp(shard, GatewayOpcodes.InvalidSession, resumable);
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    this.connections.clear();
    this.events.close('the stand-in was closed');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private sendOp(shard: number, op: number, d: unknown): void {
    const ws = this.current.get(shard)?.conn?.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error('No open gateway connection');
    ws.send(JSON.stringify({ op, d, s: null, t: null }));
  }

  private dispatchTo(session: Session, t: string, d: unknown, requiredIntents: number): 'delivered' | 'queued' | 'filtered' {
    const time = Date.now();
    if (requiredIntents !== 0 && (session.intents & requiredIntents) === 0) {
      this.events.push({ kind: 'filtered', time, t, sessionId: session.id, missingIntents: requiredIntents });
      return 'filtered';
    }
    const frame: DispatchFrame = { op: 0, t, s: ++session.seq, d };
    session.log.push(frame);
    const ws = session.conn?.ws;
    const delivered = ws !== undefined && ws.readyState === WebSocket.OPEN;
    if (delivered) ws.send(JSON.stringify(frame));
    this.events.push({ kind: 'dispatch', time, t, s: frame.s, sessionId: session.id, delivered });
    return delivered ? 'delivered' : 'queued';
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const conn: Connection = { id: ++this.connCount, ws, session: null, closedByServer: false };
    this.connections.add(conn);
    const url = new URL(req.url ?? '/', 'ws://standin.invalid');
    const query = Object.fromEntries(url.searchParams.entries());
    this.events.push({ kind: 'connect', conn: conn.id, time: Date.now(), path: url.pathname, query });
    ws.on('close', (code) => {
      this.connections.delete(conn);
      this.events.push({ kind: 'close', conn: conn.id, time: Date.now(), code, by: conn.closedByServer ? 'server' : 'client' });
      this.detach(conn);
    });
    ws.on('error', () => {
      // A client that vanishes mid-frame; the close handler does the bookkeeping.
    });
    if (query.v !== '10' && query.v !== '9') {
      this.serverClose(conn, 4012, 'Invalid API version');
      return;
    }
    if (query.encoding !== undefined && query.encoding !== 'json') {
      this.serverClose(conn, 4002, 'Only JSON encoding is supported by the stand-in');
      return;
    }
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null }));
  }

  private serverClose(conn: Connection, code: number, reason: string): void {
    conn.closedByServer = true;
    conn.ws.close(code, reason);
    this.detach(conn);
  }

  private detach(conn: Connection): void {
    if (conn.session && conn.session.conn === conn) conn.session.conn = null;
    conn.session = null;
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    let payload: unknown;
    try {
      if (isBinary) throw new Error('binary');
      payload = JSON.parse(data.toString()) as unknown;
    } catch {
      this.serverClose(conn, 4002, 'Decode error');
      return;
    }
    if (!isRecord(payload) || typeof payload.op !== 'number') {
      this.serverClose(conn, 4002, 'Decode error');
      return;
    }
    const time = Date.now();
    const { op, d } = payload;
    switch (op) {
      case GatewayOpcodes.Heartbeat: {
        const seq = typeof d === 'number' ? d : null;
        this.events.push({ kind: 'heartbeat', conn: conn.id, time, seq, acked: this.acks });
        if (this.acks) conn.ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null }));
        return;
      }
      case GatewayOpcodes.Identify:
        this.onIdentify(conn, d);
        return;
      case GatewayOpcodes.Resume:
        this.onResume(conn, d);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!conn.session) {
          this.serverClose(conn, 4003, 'Not authenticated');
          return;
        }
        this.events.push({ kind: 'op', conn: conn.id, time, op, d });
        return;
      default:
        this.serverClose(conn, 4001, 'Unknown opcode');
    }
  }

  private onIdentify(conn: Connection, d: unknown): void {
    if (conn.session) {
      this.serverClose(conn, 4005, 'Already authenticated');
      return;
    }
    if (!isRecord(d) || typeof d.token !== 'string' || typeof d.intents !== 'number' || !isRecord(d.properties)) {
      this.serverClose(conn, 4002, 'Decode error');
      return;
    }
    const token = d.token;
    const intents = d.intents;
    this.events.push({
      kind: 'identify',
      conn: conn.id,
      time: Date.now(),
      token,
      intents,
      properties: d.properties,
      shard: d.shard,
      compress: d.compress,
      presence: d.presence,
    });
    if (this.options.token !== undefined && token !== this.options.token) {
      this.serverClose(conn, 4004, 'Authentication failed');
      return;
    }
    if (this.identifyRefusal) {
      this.serverClose(conn, this.identifyRefusal.code, this.identifyRefusal.reason);
      return;
    }
    if (!Number.isInteger(intents) || (intents & ~ALL_INTENTS) !== 0) {
      this.serverClose(conn, 4013, 'Invalid intent(s)');
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.options.privilegedIntents) !== 0) {
      this.serverClose(conn, 4014, 'Disallowed intent(s)');
      return;
    }
    let shard: [number, number] = [0, 1];
    if (d.shard !== undefined) {
      const [id, count] = Array.isArray(d.shard) ? (d.shard as unknown[]) : [];
      const valid = Array.isArray(d.shard) && d.shard.length === 2 && Number.isInteger(id) && Number.isInteger(count);
      if (!valid || (id as number) < 0 || (count as number) < 1 || (id as number) >= (count as number)) {
        this.serverClose(conn, 4010, 'Invalid shard');
        return;
      }
      shard = [id as number, count as number];
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      token,
      intents,
      shard,
      seq: 0,
      log: [],
      conn,
      invalid: false,
    };
    this.sessions.set(session.id, session);
    this.current.set(shard[0], session);
    conn.session = session;
    this.dispatchTo(session, 'READY', this.host.readyData(session.id, this.resumeUrl, shard), 0);
    this.events.push({ kind: 'ready', conn: conn.id, time: Date.now(), sessionId: session.id, shard });
    for (const guild of this.host.guildCreates(shard)) {
      this.dispatchTo(session, 'GUILD_CREATE', guild, GatewayIntentBits.Guilds);
    }
  }

  private onResume(conn: Connection, d: unknown): void {
    if (conn.session) {
      this.serverClose(conn, 4005, 'Already authenticated');
      return;
    }
    if (!isRecord(d) || typeof d.token !== 'string' || typeof d.session_id !== 'string' || typeof d.seq !== 'number') {
      this.serverClose(conn, 4002, 'Decode error');
      return;
    }
    const session = this.sessions.get(d.session_id);
    const accepted = session !== undefined && !session.invalid && session.token === d.token && d.seq <= session.seq;
    this.events.push({
      kind: 'resume',
      conn: conn.id,
      time: Date.now(),
      token: d.token,
      sessionId: d.session_id,
      seq: d.seq,
      accepted,
    });
    if (!accepted || !session) {
      conn.ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null }));
      return;
    }
    if (session.conn && session.conn !== conn) {
      session.conn.closedByServer = true;
      session.conn.ws.close(4000, 'Session resumed elsewhere');
      this.detach(session.conn);
    }
    session.conn = conn;
    conn.session = session;
    this.current.set(session.shard[0], session);
    const missed = session.log.filter((frame) => frame.s > (d.seq as number));
    for (const frame of missed) conn.ws.send(JSON.stringify(frame));
    conn.ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++session.seq, d: null }));
    this.events.push({ kind: 'resumed', conn: conn.id, time: Date.now(), sessionId: session.id, replayed: missed.length });
  }
}

/** The shard a guild's events go to with `count` shards: `(guild_id >> 22) % count`, as Discord computes it. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}
