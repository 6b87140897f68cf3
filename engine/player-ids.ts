/**
 * The player directory of one board: player id <-> dense slot number.
 *
 * Ids live as UTF-8 in fixed-size byte chunks (an arena) rather than as JS
 * strings, and are found through an open-addressing hash table of slots. A JS
 * string plus a Map entry costs ~70 bytes per player; this costs the id's bytes
 * plus ~13. UTF-8 byte order equals code-point order, so ids compare in place.
 * Ids must be well-formed Unicode (the edge rejects lone surrogates).
 */

const CHUNK_BITS = 20;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
const MAX_ID_BYTES = 4 * 1024; // far above the 128 code points the API allows
const EMPTY = -1;
/**
 * A table entry is (8-bit hash fingerprint << 24) | (slot + 1), 0 when free:
 * a probe that meets another id is rejected by its fingerprint almost always,
 * without reading that id's bytes (a cache miss) and without more memory.
 */
const SLOT_BITS = 24;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
export const MAX_PLAYERS = SLOT_MASK - 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The secret key of a directory's hash: two 32-bit words. */
export type HashKey = readonly [number, number];

export class PlayerIds {
  constructor(private readonly key: HashKey = randomHashKey()) {}

  private chunks: Uint8Array[] = [];
  private chunkUsed = CHUNK_SIZE;
  private deadBytes = 0;
  private liveBytes = 0;
  /** slot -> arena address of the id's length prefix; EMPTY for free slots. */
  private addresses = new Int32Array(1024).fill(EMPTY);
  private table = new Uint32Array(2048);
  private freeSlots: number[] = [];
  private highWater = 0;
  private live = 0;
  private scratch = new Uint8Array(512);
  private scratchLength = 0;
  private idStart = 0;
  private idLength = 0;

  /** Number of players in the directory. */
  get size(): number {
    return this.live;
  }

  /** Slots below this number are addressable; slot columns must be this long. */
  get capacity(): number {
    return this.addresses.length;
  }

  /** The slot of `id`, or -1. */
  find(id: string): number {
    return this.findEncoded(this.encode(id));
  }

  /** Makes room for `players` players without further growth. */
  reserve(players: number): void {
    let size = this.table.length;
    while (players * 10 > size * 7) size *= 2;
    if (size > this.table.length) this.resizeTable(size);
    if (players > this.addresses.length) {
      const grown = new Int32Array(players).fill(EMPTY);
      grown.set(this.addresses);
      this.addresses = grown;
    }
  }

  /** Where the last unsuccessful `findEncoded` stopped: the free entry a new id goes into. */
  private freeEntry = 0;

  private findEncoded(hash: number): number {
    const table = this.table;
    const mask = table.length - 1;
    const fingerprint = hash >>> SLOT_BITS;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = table[i];
      if (entry === 0) {
        this.freeEntry = i;
        return -1;
      }
      if (entry >>> SLOT_BITS === fingerprint && this.equalsScratch((entry & SLOT_MASK) - 1)) {
        return (entry & SLOT_MASK) - 1;
      }
    }
  }

  /** The slot of `id`, adding it when new. */
  intern(id: string): number {
    const hash = this.encode(id);
    const found = this.findEncoded(hash);
    if (found !== -1) return found;
    if (this.live >= MAX_PLAYERS) throw new RangeError(`a board holds at most ${MAX_PLAYERS} players`);
    const slot = this.takeSlot();
    this.addresses[slot] = this.store(this.scratch, this.scratchLength);
    if ((this.live + 1) * 10 > this.table.length * 7) {
      this.resizeTable(this.table.length * 2); // rehashes every stored id, this one included
    } else {
      this.table[this.freeEntry] = (((hash >>> SLOT_BITS) << SLOT_BITS) | (slot + 1)) >>> 0;
    }
    this.live++;
    return slot;
  }

  /** Removes the player in `slot`; the slot may be handed out again. */
  release(slot: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = this.hashOfSlot(slot) & mask;
    while ((table[i] & SLOT_MASK) - 1 !== slot) i = (i + 1) & mask;
    // Backward-shift deletion keeps linear probing free of tombstones.
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const other = table[j];
      const home = this.hashOfSlot((other & SLOT_MASK) - 1) & mask;
      const distanceFromHomeToJ = (j - home) & mask;
      const distanceFromIToJ = (j - i) & mask;
      if (distanceFromHomeToJ >= distanceFromIToJ) {
        table[i] = other;
        i = j;
      }
    }
    table[i] = 0;
    const bytes = this.byteLengthOf(slot);
    this.deadBytes += bytes;
    this.liveBytes -= bytes;
    this.addresses[slot] = EMPTY;
    this.freeSlots.push(slot);
    this.live--;
    if (this.deadBytes > 1 << 20 && this.deadBytes > this.liveBytes) this.compactArena();
  }

  /** The id held in `slot`. */
  idOf(slot: number): string {
    const chunk = this.locate(slot);
    const start = this.idStart;
    const end = start + this.idLength;
    // Short ASCII ids (the common case) build faster by char code than through TextDecoder.
    if (this.idLength <= 32) {
      let id = "";
      for (let k = start; k < end; k++) {
        const byte = chunk[k];
        if (byte >= 0x80) return decoder.decode(chunk.subarray(start, end));
        id += String.fromCharCode(byte);
      }
      return id;
    }
    return decoder.decode(chunk.subarray(start, end));
  }

  /** Code-point order of the ids in two slots. */
  compare(a: number, b: number): number {
    if (a === b) return 0;
    const x = this.locate(a);
    const xStart = this.idStart;
    const xLength = this.idLength;
    const y = this.locate(b);
    const yStart = this.idStart;
    const n = Math.min(xLength, this.idLength);
    for (let k = 0; k < n; k++) {
      const d = x[xStart + k] - y[yStart + k];
      if (d !== 0) return d;
    }
    return xLength - this.idLength;
  }

  /** An id as this directory stores it (UTF-8), to compare with `compareTo`. */
  bytesOf(player: string): Uint8Array {
    return encoder.encode(player);
  }

  /** Code-point order of the id in `slot` against an id from `encode`. */
  compareTo(slot: number, id: Uint8Array): number {
    const x = this.locate(slot);
    const start = this.idStart;
    const n = Math.min(this.idLength, id.length);
    for (let k = 0; k < n; k++) {
      const d = x[start + k] - id[k];
      if (d !== 0) return d;
    }
    return this.idLength - id.length;
  }

  /** Calls `visit` for every slot in use. */
  forEachSlot(visit: (slot: number) => void): void {
    for (let slot = 0; slot < this.highWater; slot++) {
      if (this.addresses[slot] !== EMPTY) visit(slot);
    }
  }

  private takeSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    const slot = this.highWater++;
    if (slot >= this.addresses.length) {
      const grown = new Int32Array(Math.ceil(this.addresses.length * 1.5)).fill(EMPTY);
      grown.set(this.addresses);
      this.addresses = grown;
    }
    return slot;
  }

  /** Writes id bytes with a 1-2 byte length prefix; returns the prefix's address. */
  private store(bytes: Uint8Array, length: number): number {
    const needed = length + (length < 128 ? 1 : 2);
    if (this.chunkUsed + needed > CHUNK_SIZE) {
      this.chunks.push(new Uint8Array(CHUNK_SIZE));
      this.chunkUsed = 0;
    }
    const chunkIndex = this.chunks.length - 1;
    const chunk = this.chunks[chunkIndex];
    let at = this.chunkUsed;
    const address = (chunkIndex << CHUNK_BITS) | at;
    if (length < 128) {
      chunk[at++] = length;
    } else {
      chunk[at++] = 0x80 | (length >> 8);
      chunk[at++] = length & 0xff;
    }
    for (let k = 0; k < length; k++) chunk[at + k] = bytes[k];
    this.chunkUsed = at + length;
    this.liveBytes += needed;
    return address;
  }

  /** Points `idStart`/`idLength` at the id in `slot` and returns its chunk. */
  private locate(slot: number): Uint8Array {
    const address = this.addresses[slot];
    const chunk = this.chunks[address >>> CHUNK_BITS];
    let at = address & CHUNK_MASK;
    let length = chunk[at++];
    if (length >= 128) length = ((length & 0x7f) << 8) | chunk[at++];
    this.idStart = at;
    this.idLength = length;
    return chunk;
  }

  private byteLengthOf(slot: number): number {
    this.locate(slot);
    return this.idLength + (this.idLength < 128 ? 1 : 2);
  }

  /** Encodes `id` into the scratch buffer and returns its hash. */
  private encode(id: string): number {
    let scratch = this.scratch;
    if (id.length * 3 > scratch.length) {
      if (id.length * 3 > MAX_ID_BYTES * 4) throw new RangeError("player id too long");
      scratch = this.scratch = new Uint8Array(id.length * 3);
    }
    // ASCII ids (the common case) are copied by char code, faster than TextEncoder.
    let length = 0;
    for (; length < id.length; length++) {
      const code = id.charCodeAt(length);
      if (code >= 0x80) break;
      scratch[length] = code;
    }
    if (length < id.length) {
      length = encoder.encodeInto(id, scratch).written;
      if (length > MAX_ID_BYTES) throw new RangeError("player id too long");
    }
    this.scratchLength = length;
    return halfSipHash13(this.key[0], this.key[1], scratch, 0, length);
  }

  private equalsScratch(slot: number): boolean {
    const chunk = this.locate(slot);
    const length = this.idLength;
    if (length !== this.scratchLength) return false;
    const start = this.idStart;
    const scratch = this.scratch;
    for (let k = 0; k < length; k++) {
      if (chunk[start + k] !== scratch[k]) return false;
    }
    return true;
  }

  private hashOfSlot(slot: number): number {
    const chunk = this.locate(slot);
    return halfSipHash13(this.key[0], this.key[1], chunk, this.idStart, this.idLength);
  }

  /**
   * Probes a successful lookup makes, over every stored id: the mean and the
   * longest. Counted from the table, so measuring costs the hot path nothing.
   */
  probeStats(): { mean: number; max: number } {
    const table = this.table;
    const mask = table.length - 1;
    let total = 0;
    let max = 0;
    for (let i = 0; i < table.length; i++) {
      if (table[i] === 0) continue;
      const probes = ((i - (this.hashOfSlot((table[i] & SLOT_MASK) - 1) & mask)) & mask) + 1;
      total += probes;
      if (probes > max) max = probes;
    }
    return { mean: this.live === 0 ? 0 : total / this.live, max };
  }

  private insertIntoTable(slot: number, hash: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = hash & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = (((hash >>> SLOT_BITS) << SLOT_BITS) | (slot + 1)) >>> 0;
  }

  private resizeTable(size: number): void {
    this.table = new Uint32Array(size);
    this.forEachSlot((slot) => this.insertIntoTable(slot, this.hashOfSlot(slot)));
  }

  private compactArena(): void {
    const old = { chunks: this.chunks, addresses: this.addresses.slice() };
    this.chunks = [];
    this.chunkUsed = CHUNK_SIZE;
    this.liveBytes = 0;
    this.deadBytes = 0;
    for (let slot = 0; slot < this.highWater; slot++) {
      const address = old.addresses[slot];
      if (address === EMPTY) continue;
      const chunk = old.chunks[address >>> CHUNK_BITS];
      let at = address & CHUNK_MASK;
      let length = chunk[at++];
      if (length >= 128) length = ((length & 0x7f) << 8) | chunk[at++];
      this.addresses[slot] = this.store(chunk.subarray(at, at + length), length);
    }
  }
}

/**
 * HalfSipHash-1-3: SipHash's 32-bit variant, keyed. With an unkeyed hash,
 * names that share one hash are cheap to make, and each one inserted probes
 * past all the others: a few thousand of them stall the game's only thread.
 * Keyed with a secret the sender never sees, collisions are as rare as for
 * random names. Checked against the reference implementation (c=1, d=3).
 */
export function halfSipHash13(k0: number, k1: number, bytes: Uint8Array, start: number, length: number): number {
  let v0 = k0 | 0;
  let v1 = k1 | 0;
  let v2 = (0x6c796765 ^ k0) | 0;
  let v3 = (0x74656462 ^ k1) | 0;
  const end = start + length;
  const whole = start + (length & ~3);
  let i = start;
  let m = 0;
  for (let last = false; !last; ) {
    if (i < whole) {
      m = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
      i += 4;
    } else {
      // The final word: the remaining bytes and the length's low byte on top.
      m = length << 24;
      if (end - i > 2) m |= bytes[i + 2] << 16;
      if (end - i > 1) m |= bytes[i + 1] << 8;
      if (end - i > 0) m |= bytes[i];
      last = true;
    }
    v3 ^= m;
    v0 = (v0 + v1) | 0;
    v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
    v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
  }
  v2 ^= 0xff;
  for (let round = 0; round < 3; round++) {
    v0 = (v0 + v1) | 0;
    v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
    v2 = (v2 << 16) | (v2 >>> 16);
  }
  return (v1 ^ v3) >>> 0;
}

/** A hash key for a new directory: random, so no sender can know it. */
export function randomHashKey(): HashKey {
  return [(Math.random() * 2 ** 32) >>> 0, (Math.random() * 2 ** 32) >>> 0];
}
