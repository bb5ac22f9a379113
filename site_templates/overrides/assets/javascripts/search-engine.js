// The search engine of the search page: reads the index generator/render/search_index.py writes.
//
// A query is cut into pairs of neighbouring characters, as every searchable field was at build
// time; only the shards those pairs hash to are fetched. Each pair comes with the positions
// it occurs at in each page, so a page is known to match when the query can be cut into
// pieces of two or more characters, each occurring in the page (a piece's pairs at
// consecutive positions). No word segmenter is involved, the browser's included.
// Pages are ranked by kind (cases, bulletins, projects), then by the fewest pieces (the
// query as written comes first), then by their number: newest first.

const TERMINAL = "0123456789abcdefghijklmnopqrstuv";
const CONTINUATION = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";
const DIGIT = new Int8Array(128).fill(-1);
const ENDS = new Uint8Array(128);
for (let i = 0; i < 32; i++) {
  DIGIT[TERMINAL.charCodeAt(i)] = i;
  ENDS[TERMINAL.charCodeAt(i)] = 1;
  DIGIT[CONTINUATION.charCodeAt(i)] = i;
}
const KEPT = /[\p{L}\p{N}]/u;
// CJK ideographs are kept whatever the browser's Unicode tables say: an ideograph newer than
// them (or than the build's Python) would otherwise be dropped on one side only.
// generator/render/search_index.py IDEOGRAPHS.
const IDEOGRAPHS = [
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
  [0x20000, 0x3ffff],
];

function isKept(ch) {
  const point = ch.codePointAt(0);
  for (const [low, high] of IDEOGRAPHS) if (point >= low && point <= high) return true;
  return KEPT.test(ch);
}

export function decodeNumbers(text) {
  const numbers = [];
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    value = value * 32 + DIGIT[code];
    if (ENDS[code]) {
      numbers.push(value);
      value = 0;
    }
  }
  return numbers;
}

// FNV-1a over UTF-16 code units: generator/render/search_index.py shard_of().
export function shardOf(token, shards) {
  let value = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    value ^= token.charCodeAt(i);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value % shards;
}

// The text as the index compares it: each character in NFKC and lower case, traditional made
// simplified, letters and digits only. Characters are code points, as in Python: `chars` holds
// the kept ones (one string each, a character outside the BMP included), `text` is them joined,
// and `origin[i]` is the UTF-16 offset in `text`'s source where kept character i came from
// (`origin[chars.length]` is the source's length), so a mark is a slice of the text as written.
export function normalise(text, simplified) {
  const chars = [];
  const origin = [];
  for (let at = 0; at < text.length; ) {
    const ch = String.fromCodePoint(text.codePointAt(at));
    for (const part of ch.normalize("NFKC").toLowerCase()) {
      const mapped = simplified.get(part) ?? part;
      if (isKept(mapped)) {
        chars.push(mapped);
        origin.push(at);
      }
    }
    at += ch.length;
  }
  origin.push(text.length);
  return { text: chars.join(""), chars, origin };
}

export class SearchEngine {
  constructor(base, shards, kindCounts) {
    this.base = base; // URL of the index folder, ending in /
    this.shards = shards;
    this.kindCounts = kindCounts; // documents of each kind: cases, bulletins, projects
    this.files = new Map(); // path → promise of its JSON
    this.postings = new Map(); // token → Map(document → positions)
    this.simplified = null;
  }

  load(path) {
    if (!this.files.has(path)) {
      const promise = fetch(new URL(path, this.base)).then((response) => {
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        return response.json();
      });
      promise.catch(() => this.files.delete(path)); // a failed request may be tried again
      this.files.set(path, promise);
    }
    return this.files.get(path);
  }

  async table() {
    if (!this.simplified) {
      const pairs = await this.load("t2s.json");
      const table = new Map();
      for (let i = 0; i + 1 < pairs.length; i += 2) table.set(pairs[i], pairs[i + 1]);
      this.simplified = table;
    }
    return this.simplified;
  }

  kindOf(document) {
    let end = 0;
    for (let kind = 0; kind < this.kindCounts.length; kind++) {
      end += this.kindCounts[kind];
      if (document < end) return kind;
    }
    return this.kindCounts.length - 1;
  }

  fragment(document) {
    return this.load(`d/${document}.json`);
  }

  facets() {
    return this.load("facets.json");
  }

  async postingsOf(token) {
    if (!this.postings.has(token)) {
      const shard = await this.load(`s/${shardOf(token, this.shards)}.json`);
      const numbers = decodeNumbers(shard[token] ?? "");
      const byDocument = new Map();
      let document = 0;
      for (let i = 0; i < numbers.length; ) {
        document += numbers[i];
        const count = numbers[i + 1];
        const positions = new Array(count);
        let position = 0;
        for (let k = 0; k < count; k++) {
          position = k === 0 ? numbers[i + 2] : position + numbers[i + 2 + k];
          positions[k] = position;
        }
        byDocument.set(document, positions);
        i += 2 + count;
      }
      this.postings.set(token, byDocument);
    }
    return this.postings.get(token);
  }

  // { query: the normalised query, chars: its characters (code points), results: [{ document,
  // kind, pieces: [[start, end], …] }] in rank order, pieces in characters of `chars` };
  // `tooShort` when there is a query but under two characters.
  // `oldest`: older pages first among equal matches (the numbers count from the newest).
  async search(query, filters = {}, oldest = false) {
    const direction = oldest ? -1 : 1;
    const simplified = await this.table();
    const { text: needle, chars } = normalise(query, simplified);
    const allowed = await this.filtered(filters);
    if (chars.length === 0 && allowed) {
      const listed = [...allowed].sort((a, b) => direction * (a - b));
      return { query: needle, chars, results: listed.map((document) => ({ document, kind: 0, pieces: [] })) };
    }
    if (chars.length < 2) return { query: needle, chars, results: [], tooShort: true };
    const tokens = [];
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i] + chars[i + 1]);
    const lists = await Promise.all(tokens.map((token) => this.postingsOf(token)));
    const results = [];
    const last = lists[lists.length - 1];
    for (const document of lists[0].keys()) {
      if (!last.has(document) || (allowed && !allowed.has(document))) continue;
      const pieces = cut(lists, document);
      if (pieces) results.push({ document, kind: this.kindOf(document), pieces });
    }
    results.sort(
      (a, b) => a.kind - b.kind || a.pieces.length - b.pieces.length || direction * (a.document - b.document),
    );
    return { query: needle, chars, results };
  }

  // The case documents the filters allow, or null when no filter is set.
  async filtered(filters) {
    const { region = "", category = "", kind = "", from = "", to = "" } = filters;
    if (!region && !category && !kind && !from && !to) return null;
    const index = await this.facets();
    // A filter's value is its facet slug (the search page's option values), never the label
    // itself: labels may hold spaces, newlines or isolates the page's markup changes. A slug stays
    // the same from one release to the next, so a shared address keeps naming the same region.
    const regionAt = placeOf(region, index.keys.region);
    const categoryAt = placeOf(category, index.keys.category);
    const kindAt = placeOf(kind, index.keys.kind);
    // Months are YYYY-MM, oldest first: the range is the months from `from` to `to`, both included.
    let first = 0;
    while (from && first < index.month.length && index.month[first] < from) first++;
    let lastMonth = index.month.length - 1;
    while (to && lastMonth >= 0 && index.month[lastMonth] > to) lastMonth--;
    const allowed = new Set();
    if ((region && regionAt < 0) || (category && categoryAt < 0) || (kind && kindAt < 0)) return allowed;
    index.cases.forEach(([caseRegion, caseCategory, kinds, month], document) => {
      if (region && caseRegion !== regionAt) return;
      if (category && caseCategory !== categoryAt) return;
      if (kind && !(kinds & (1 << kindAt))) return;
      if (month < first || month > lastMonth) return;
      allowed.add(document);
    });
    return allowed;
  }
}

// The place in its filter's list of the slug `value`, or -1 (also for no value or an unknown one).
function placeOf(value, keys) {
  return value ? keys.indexOf(value) : -1;
}

// The fewest pieces [start, end) of two or more characters, each occurring in the document,
// that the query cuts into; null when there is no such cut. lists[i]: pair i's postings.
function cut(lists, document) {
  const n = lists.length + 1; // characters of the query
  const sets = lists.map((list) => {
    const positions = list.get(document);
    return positions ? new Set(positions) : null;
  });
  const best = new Array(n + 1).fill(Infinity);
  const from = new Array(n + 1).fill(-1);
  best[0] = 0;
  for (let start = 0; start + 1 < n; start++) {
    if (best[start] === Infinity || !sets[start]) continue;
    let alive = [...sets[start]];
    for (let end = start + 2; end <= n && alive.length; end++) {
      if (best[start] + 1 < best[end]) {
        best[end] = best[start] + 1;
        from[end] = start;
      }
      const next = sets[end - 1];
      if (!next) break;
      const step = end - 1 - start;
      alive = alive.filter((position) => next.has(position + step));
    }
  }
  if (best[n] === Infinity) return null;
  const pieces = [];
  for (let end = n; end > 0; end = from[end]) pieces.unshift([from[end], end]);
  return pieces;
}
