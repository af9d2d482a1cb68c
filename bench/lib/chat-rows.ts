/**
 * Writes chat history exactly as the server stores it, but with raw
 * better-sqlite3 prepared statements (fast enough to seed a million rows):
 * a visitor, its conversation and the character's greeting when a chat
 * starts, then user and character turns; ULID ids, `seq` 1..N per
 * conversation, `last_seq` kept, ISO times. Chats overlap in time (a pool of
 * active ones), so one conversation's rows are spread over the table as they
 * are in real traffic, not packed together.
 */
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { monotonicFactory } from 'ulid';
import { createSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { applyPragmas, migrateToLatest, openSqlite } from '../../server/db/database.js';
import { pooledRandom } from '../../server/ids.js';

export interface ChatShape {
  conversations: number;
  perConversation: number;
  /** How many chats are under way at once. */
  active: number;
  /** Simulated time between two messages anywhere on the site. */
  stepMs: number;
}

export interface SiteRefs {
  siteId: string;
  characterId: string;
}

const GREETING = 'Welcome back to the archive. Ask me about anything we have talked about before.';

/** The real schema (every migration) and a site with one character, written by the server's own code. */
export async function createSiteAndCharacter(file: string): Promise<SiteRefs> {
  const db = openSqlite(file);
  try {
    await migrateToLatest(db);
    const site = await createSite(db, { name: 'History bench', origins: [] });
    await upsertCharacter(db, site.siteId, { slug: 'archivist', name: 'Archivist', greeting: GREETING, responder: { kind: 'none' } });
    const character = await db.selectFrom('characters').select('id').where('site_id', '=', site.siteId).executeTakeFirstOrThrow();
    return { siteId: site.siteId, characterId: character.id };
  } finally {
    await db.destroy();
  }
}

/**
 * A raw connection with the server's pragmas (applyPragmas). Checkpoints stay
 * SQLite's automatic ones: the server runs them on a worker thread, which one
 * raw loop does not have.
 */
export function openRaw(file: string, options: SQLite.Options = {}): SQLite.Database {
  return applyPragmas(new SQLite(file, options));
}

/** A small seeded PRNG: the same shape of history on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the harbour lighthouse keeper old map tide evening lantern story ship captain storm letter market bridge river ' +
  'tea bread garden window station train ticket museum painting song dance night morning coffee friend sister ' +
  'brother grandmother recipe soup autumn winter summer spring rain snow wind mountain valley village city road ' +
  'book chapter secret door key clock tower bell square fountain cat dog bird boat fisherman net shell sand stone ' +
  'remember tell know think maybe really quite perhaps later again always never sometimes today tomorrow yesterday'
).split(' ');

/** Message texts of realistic lengths: visitors write 20–160 characters, the character 60–300. */
function texts(random: () => number, count: number, min: number, max: number): string[] {
  return Array.from({ length: count }, () => {
    const target = min + Math.floor(random() * (max - min + 1));
    let s = '';
    while (s.length < target) s += `${s ? ' ' : ''}${WORDS[Math.floor(random() * WORDS.length)]}`;
    s = s.slice(0, target).trimEnd();
    return `${s.charAt(0).toUpperCase()}${s.slice(1)}${random() < 0.3 ? '?' : '.'}`;
  });
}

interface Chat {
  id: string;
  written: number;
}

export class ChatWriter {
  private readonly random = prng(0x715e);
  // ulid's default PRNG makes one WebCrypto call per character: the server's pooled draws instead.
  private readonly ulid = monotonicFactory(pooledRandom);
  private readonly userTexts: string[];
  private readonly characterTexts: string[];
  private readonly pool: Chat[] = [];
  private started = 0;
  /** Messages written so far. */
  written = 0;
  private readonly t0: number;
  private readonly insertVisitor: SQLite.Statement;
  private readonly insertConversation: SQLite.Statement;
  private readonly insertMessage: SQLite.Statement;
  private readonly setLastSeq: SQLite.Statement;
  /** Writes up to n messages in one transaction; returns how many. */
  readonly batch: (n: number) => number;

  constructor(
    sqlite: SQLite.Database,
    private readonly refs: SiteRefs,
    private readonly shape: ChatShape,
  ) {
    this.userTexts = texts(this.random, 1024, 20, 160);
    this.characterTexts = texts(this.random, 1024, 60, 300);
    // The history ends about now.
    this.t0 = Date.now() - shape.conversations * shape.perConversation * shape.stepMs;
    this.insertVisitor = sqlite.prepare('insert into visitors (id, site_id, external_user_id, display_name, created_at) values (?, ?, null, null, ?)');
    this.insertConversation = sqlite.prepare(
      'insert into conversations (id, site_id, visitor_id, character_id, last_seq, created_at) values (?, ?, ?, ?, 0, ?)',
    );
    this.insertMessage = sqlite.prepare(
      'insert into messages (id, conversation_id, seq, sender_type, content, client_message_id, status, chunks, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.setLastSeq = sqlite.prepare('update conversations set last_seq = ? where id = ?');
    this.batch = sqlite.transaction((n: number) => {
      let i = 0;
      while (i < n && this.writeOne()) i++;
      return i;
    });
  }

  get total(): number {
    return this.shape.conversations * this.shape.perConversation;
  }

  /** Writes the next message anywhere on the site (starting a chat when a slot is free); false when all are written. */
  private writeOne(): boolean {
    while (this.pool.length < this.shape.active && this.started < this.shape.conversations) {
      this.pool.push({ id: '', written: 0 });
      this.started++;
    }
    if (!this.pool.length) return false;
    const slot = Math.floor(this.random() * this.pool.length);
    const chat = this.pool[slot]!;
    const t = this.now();
    const seq = ++chat.written;
    if (seq === 1) {
      // session.start: a new visitor, its conversation, and openConversation's greeting (postMessage without a client id).
      chat.id = this.startChat(t);
      this.insertMessage.run(this.ulid(t), chat.id, 1, 'character', GREETING, null, 'complete', 0, iso(t), null);
    } else if (seq % 2 === 0) {
      // The widget sends a UUID client id with every message.
      this.insertMessage.run(this.ulid(t), chat.id, seq, 'user', this.pick(this.userTexts), randomUUID(), 'complete', 0, iso(t), null);
    } else {
      // A streamed reply, closed as complete: chunks counted, last saved a little after it began.
      const content = this.pick(this.characterTexts);
      const chunks = Math.max(1, Math.ceil(content.length / 5));
      this.insertMessage.run(this.ulid(t), chat.id, seq, 'character', content, null, 'complete', chunks, iso(t), iso(t + chunks * 35));
    }
    this.written++;
    if (seq === this.shape.perConversation) {
      this.setLastSeq.run(seq, chat.id);
      this.pool[slot] = this.pool[this.pool.length - 1]!;
      this.pool.pop();
    }
    return true;
  }

  /** Sets last_seq on the chats still under way (a bounded sample stops mid-chat). */
  closeOpenChats(): void {
    for (const chat of this.pool) if (chat.written) this.setLastSeq.run(chat.written, chat.id);
  }

  private startChat(t: number): string {
    const visitorId = this.ulid(t);
    this.insertVisitor.run(visitorId, this.refs.siteId, iso(t));
    const id = this.ulid(t);
    this.insertConversation.run(id, this.refs.siteId, visitorId, this.refs.characterId, iso(t));
    return id;
  }

  private now(): number {
    return Math.floor(this.t0 + this.written * this.shape.stepMs);
  }

  private pick(list: readonly string[]): string {
    return list[Math.floor(this.random() * list.length)]!;
  }
}

const iso = (t: number) => new Date(t).toISOString();
