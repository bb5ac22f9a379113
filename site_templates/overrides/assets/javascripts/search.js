// The search page's script: loaded by the search page only, and it fetches nothing until a query.
//
// Pagefind 1.5.2 treats a query typed without spaces as one word, while its index holds
// Chinese segmented into words. So the query is cut into words here (Intl.Segmenter, the
// browser's own dictionary) and searched twice: as an exact phrase, which finds the pages
// holding the words in that order, and as plain words for ranking. Phrase matches come first,
// in rank order, and pages holding the query exactly as typed go to the top. The best results are then grouped so that cases come before bulletins and
// projects. (The kind is page meta, not a Pagefind filter: Pagefind 1.5.2 writes filter values
// in hash-map order, which would make the index differ from build to build.)
// Results are built with DOM methods: no text from the index is ever parsed as markup
// except Pagefind's <mark> highlights, which are rebuilt element by element.

const KINDS = ["案例", "通报", "项目"];
const SHOWN = 12; // each shown result costs one small fragment request (about 1 KB)
const form = document.getElementById("portal-search");
const input = document.getElementById("portal-search-query");
const statusLine = document.getElementById("portal-search-status");
const resultsBox = document.getElementById("portal-search-results");
let pagefind = null;
let latest = 0;

function segment(query) {
  const words = [];
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    for (const part of new Intl.Segmenter("zh", { granularity: "word" }).segment(query)) {
      if (part.isWordLike) words.push(part.segment);
    }
  } else {
    words.push(...query.split(/\s+/).filter(Boolean));
  }
  return words;
}

// The index comes in bundles of a few thousand pages (pagefind/, pagefind-2/, …), named by the
// page; the first is loaded and the others merged into it.
function bundles() {
  const named = document.querySelector('meta[name="portal-search-bundles"]')?.content ?? "";
  const names = named.split(/\s+/).filter((name) => /^pagefind(-[0-9]+)?$/.test(name));
  return names.length ? names : ["pagefind"];
}

async function loadPagefind() {
  if (!pagefind) {
    const [first, ...others] = bundles().map((name) => new URL(`../../${name}/`, import.meta.url).href);
    const engine = await import(`${first}pagefind.js`);
    await engine.init();
    // Same result URLs from every bundle: root-relative, as the first one gives them.
    for (const other of others) await engine.mergeIndex(other, { baseUrl: "/" });
    pagefind = engine;
  }
  return pagefind;
}

async function ranked(words) {
  const engine = await loadPagefind();
  const plain = await engine.search(words.join(" "));
  if (words.length === 1) return plain.results;
  const phrase = await engine.search(`"${words.join(" ")}"`);
  const exact = new Set(phrase.results.map((r) => r.id));
  const first = plain.results.filter((r) => exact.has(r.id));
  const rest = plain.results.filter((r) => !exact.has(r.id));
  // A phrase match the word search did not rank (it can happen with very common words) still counts.
  const ranked = new Set(plain.results.map((r) => r.id));
  return [...first, ...phrase.results.filter((r) => !ranked.has(r.id)), ...rest];
}

// Pagefind makes an excerpt from the page's text by escaping "<" and ">" only and wrapping the
// matched words in <mark>: read as HTML, a text's own "&lt;img" would show as "<img". So the
// excerpt is found again in the text itself (data.content) and shown from there, exactly.
function excerptNodes(excerpt, content) {
  const pieces = excerpt.split(/(<mark>|<\/mark>)/);
  let escaped = "";
  const rawAt = []; // for each character of `escaped`, where it comes from in `content`
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    const written = ch === "<" ? "&lt;" : ch === ">" ? "&gt;" : ch;
    escaped += written;
    for (let k = 0; k < written.length; k++) rawAt.push(i);
  }
  rawAt.push(content.length);
  const start = escaped.indexOf(pieces.filter((p) => p !== "<mark>" && p !== "</mark>").join(""));
  const nodes = [];
  let at = start;
  let marked = false;
  for (const piece of pieces) {
    if (piece === "<mark>" || piece === "</mark>") {
      marked = piece === "<mark>";
      continue;
    }
    // Not found (Pagefind changed its excerpts): undo its own two escapes, nothing more.
    const text =
      start < 0 ? piece.replace(/&lt;/g, "<").replace(/&gt;/g, ">") : content.slice(rawAt[at], rawAt[at + piece.length]);
    at += piece.length;
    if (marked) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(text));
    }
  }
  return nodes;
}

function renderGroup(kind, items) {
  const section = document.createElement("section");
  section.className = "sr-group";
  section.dataset.kind = kind;
  const heading = document.createElement("h2");
  heading.textContent = `${kind}（${items.length}）`;
  section.append(heading);
  const list = document.createElement("ol");
  for (const data of items) {
    const item = document.createElement("li");
    item.className = "sr-result";
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(data.excerpt, data.content));
    item.append(link, excerpt);
    list.append(item);
  }
  section.append(list);
  return section;
}

async function run(query) {
  const ticket = ++latest;
  statusLine.textContent = "正在搜索……";
  resultsBox.replaceChildren();
  const words = segment(query);
  const needle = query.replace(/\s+/g, "");
  const exact = (data) => `${data.meta.title ?? ""}${data.content ?? ""}`.replace(/\s+/g, "").includes(needle);
  let results, shown;
  try {
    results = words.length ? await ranked(words) : [];
    shown = await Promise.all(results.slice(0, SHOWN).map((r) => r.data()));
    // No exact hit among the best: look a little further down before giving up on one.
    for (let start = SHOWN; start < SHOWN * 3 && !shown.some(exact) && start < results.length; start += SHOWN) {
      const more = await Promise.all(results.slice(start, start + SHOWN).map((r) => r.data()));
      const hits = more.filter(exact);
      if (hits.length) shown = [...hits, ...shown].slice(0, SHOWN);
    }
  } catch (error) {
    if (ticket === latest) statusLine.textContent = "搜索暂时无法使用，请稍后再试。";
    return;
  }
  if (ticket !== latest) return;
  // The browser and Pagefind's indexer do not always cut words alike (局原副局长), so a phrase
  // can miss. The fragments just loaded hold each page's text: those containing the query
  // exactly, as typed without spaces, come first.
  shown = [...shown.filter(exact), ...shown.filter((data) => !exact(data))];
  const byKind = new Map(KINDS.map((kind) => [kind, []]));
  for (const data of shown) byKind.get(KINDS.includes(data.meta.kind) ? data.meta.kind : KINDS[2]).push(data);
  statusLine.textContent = !results.length
    ? "没有找到结果。"
    : results.length > SHOWN
      ? `找到 ${results.length} 条结果，显示最相关的 ${SHOWN} 条。`
      : `找到 ${results.length} 条结果。`;
  for (const kind of KINDS) {
    const items = byKind.get(kind);
    if (items.length) resultsBox.append(renderGroup(kind, items));
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value.trim();
  if (!query) return;
  history.replaceState(null, "", `?q=${encodeURIComponent(query)}`);
  run(query);
});

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial.trim());
}
