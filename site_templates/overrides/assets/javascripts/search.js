// The search page's script: loaded by the search page only, and it fetches nothing until a query.
//
// The engine (search-engine.js) gives every matching page in rank order; this script shows
// them eight at a time with a button for the next eight, grouped by kind, each with its excerpt
// and the matched pieces marked. The query and the filters are in the page's URL
// (?q=…&region=…), so a search can be shared. Every text from the index goes into the page
// through textContent or text nodes: nothing from the data is ever parsed as markup.

import { SearchEngine, normalise } from "./search-engine.js";

const KINDS = ["案例", "通报", "项目"];
const PAGE = 8; // each shown result costs one small request (about 1.4 KB with its headers)
const CONTEXT = 30; // characters of an excerpt before its first match
const EXCERPT = 110; // characters of an excerpt
const FILTERS = ["region", "category", "kind", "from", "to"];
const STATE = [...FILTERS, "sort"]; // what the URL keeps besides the query
const form = document.getElementById("portal-search");
const input = document.getElementById("portal-search-query");
const filterBox = document.getElementById("portal-search-filters");
const statusLine = document.getElementById("portal-search-status");
const resultsBox = document.getElementById("portal-search-results");
const engine = new SearchEngine(
  new URL(form.dataset.index, document.baseURI).href,
  Number(form.dataset.shards),
  form.dataset.kinds.split(" ").map(Number),
);
const siteRoot = new URL(form.dataset.index.replace(/[^/]+\/[^/]+\/$/, ""), document.baseURI);
let latest = 0;

function filtersOf(params) {
  const filters = {};
  for (const name of FILTERS) filters[name] = params.get(name) ?? "";
  return filters;
}

// Where the normalised pieces (each an array of characters, code points) occur in a text:
// [start, end) ranges, in UTF-16 offsets, of the text as written. Compared character by
// character, as the index counts them, so a character outside the BMP is one, not two.
function ranges(text, pieces, simplified) {
  const { chars, origin } = normalise(text, simplified);
  const found = [];
  for (const piece of pieces) {
    if (!piece.length) continue;
    for (let at = 0; at + piece.length <= chars.length; at++) {
      let k = 0;
      while (k < piece.length && chars[at + k] === piece[k]) k++;
      if (k < piece.length) continue;
      const last = origin[at + piece.length - 1]; // where the piece's last character starts
      found.push([origin[at], last + String.fromCodePoint(text.codePointAt(last)).length]);
    }
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const range of found) {
    const top = merged[merged.length - 1];
    if (top && range[0] <= top[1]) top[1] = Math.max(top[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

// Text nodes and <mark> elements for text[start, end) with `marked` ranges.
function marked(text, marks, start = 0, end = text.length) {
  const nodes = [];
  let at = start;
  for (const [from, to] of marks) {
    if (to <= at || from >= end) continue;
    if (from > at) nodes.push(document.createTextNode(text.slice(at, from)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(Math.max(from, at), Math.min(to, end));
    nodes.push(mark);
    at = Math.min(to, end);
  }
  if (at < end) nodes.push(document.createTextNode(text.slice(at, end)));
  return nodes;
}

// The excerpt: the field with the most matches, the page's own text (its last field) when
// tied or when only the title matched, cut around the first match.
function excerpt(fields, pieces, simplified) {
  let chosen = fields.length - 1;
  let chosenMarks = ranges(fields[chosen][1], pieces, simplified);
  for (let i = 1; i < fields.length - 1; i++) {
    const marks = ranges(fields[i][1], pieces, simplified);
    if (marks.length > chosenMarks.length) [chosen, chosenMarks] = [i, marks];
  }
  const [label, text] = fields[chosen];
  const start = chosenMarks.length ? Math.max(0, chosenMarks[0][0] - CONTEXT) : 0;
  const end = Math.min(text.length, start + EXCERPT);
  const line = document.createElement("p");
  line.className = "sr-excerpt";
  if (chosen !== fields.length - 1) {
    const name = document.createElement("span");
    name.className = "sr-field";
    name.textContent = `${label}：`;
    line.append(name);
  }
  if (start > 0) line.append("…");
  line.append(...marked(text, chosenMarks, start, end));
  if (end < text.length) line.append("…");
  return line;
}

function resultItem(fragment, pieces, simplified) {
  const item = document.createElement("li");
  item.className = "sr-result";
  const link = document.createElement("a");
  link.href = new URL(fragment.u, siteRoot).pathname;
  link.append(...marked(fragment.t, ranges(fragment.t, pieces, simplified)));
  const meta = document.createElement("p");
  meta.className = "sr-meta";
  meta.textContent = fragment.m;
  item.append(link, meta, excerpt(fragment.f, pieces, simplified));
  return item;
}

function groupList(kind, count) {
  let section = resultsBox.querySelector(`.sr-group[data-kind="${KINDS[kind]}"]`);
  if (!section) {
    section = document.createElement("section");
    section.className = "sr-group";
    section.dataset.kind = KINDS[kind];
    const heading = document.createElement("h2");
    heading.textContent = `${KINDS[kind]}（${count}）`;
    section.append(heading, document.createElement("ol"));
    resultsBox.append(section);
  }
  return section.querySelector("ol");
}

async function showPage(found, shown, ticket) {
  const simplified = await engine.table();
  const next = found.results.slice(shown, shown + PAGE);
  const fragments = await Promise.all(next.map((result) => engine.fragment(result.document)));
  if (ticket !== latest) return;
  resultsBox.querySelector(".sr-more")?.remove();
  const counts = KINDS.map((_, kind) => found.results.filter((r) => r.kind === kind).length);
  next.forEach((result, i) => {
    const pieces = result.pieces.map(([start, end]) => found.chars.slice(start, end));
    const list = groupList(result.kind, counts[result.kind]);
    const item = resultItem(fragments[i], pieces, simplified);
    list.append(item);
    if (i === 0 && shown > 0) item.querySelector("a").focus();
  });
  const left = found.results.length - shown - next.length;
  if (left > 0) {
    const more = document.createElement("button");
    more.type = "button";
    more.className = "sr-more";
    more.textContent = `显示更多结果（还有 ${left} 条）`;
    more.addEventListener("click", () => showPage(found, shown + PAGE, ticket));
    resultsBox.append(more);
  }
}

function describe(found, filters) {
  const counts = KINDS.map((_, kind) => found.results.filter((r) => r.kind === kind).length);
  const parts = KINDS.map((name, kind) => (counts[kind] ? `${name} ${counts[kind]} 条` : "")).filter(Boolean);
  const filtered = FILTERS.some((name) => filters[name]) ? "（已按筛选条件只列出案例）" : "";
  return `找到 ${found.results.length} 条结果：${parts.join("、")}${filtered}。`;
}

async function run(query, filters, sort) {
  const ticket = ++latest;
  statusLine.textContent = "正在搜索……";
  resultsBox.replaceChildren();
  let found;
  try {
    found = await engine.search(query, filters, sort === "oldest");
  } catch (error) {
    if (ticket === latest) statusLine.textContent = "搜索暂时无法使用，请稍后再试。";
    return;
  }
  if (ticket !== latest) return;
  if (found.tooShort) {
    statusLine.textContent = "没有结果：请至少输入两个字、字母或数字，或选择筛选条件。";
    return;
  }
  try {
    await showPage(found, 0, ticket);
  } catch (error) {
    if (ticket === latest) statusLine.textContent = "搜索暂时无法使用，请稍后再试。";
    return;
  }
  // Said once the first results are on the page: a screen reader reads them next.
  if (ticket === latest) statusLine.textContent = found.results.length ? describe(found, filters) : "没有找到结果。";
}

function stateOf() {
  const params = new URLSearchParams();
  const query = input.value.trim();
  if (query) params.set("q", query);
  for (const name of STATE) {
    const value = form.elements[name].value;
    if (value) params.set(name, value);
  }
  return params;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = stateOf();
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
  if (!search) {
    statusLine.textContent = "请输入搜索词，或选择筛选条件。";
    resultsBox.replaceChildren();
    return;
  }
  run(params.get("q") ?? "", filtersOf(params), params.get("sort") ?? "");
});

for (const name of STATE) form.elements[name].addEventListener("change", () => form.requestSubmit());

const initial = new URLSearchParams(location.search);
input.value = initial.get("q") ?? "";
let anyFilter = false;
for (const name of STATE) {
  const value = initial.get(name) ?? "";
  const select = form.elements[name];
  if (value && [...select.options].some((option) => option.value === value)) {
    select.value = value;
    anyFilter ||= FILTERS.includes(name);
  }
}
if (anyFilter || form.elements.sort.value) filterBox.open = true;
const state = stateOf();
if (input.value.trim() || anyFilter) run(input.value.trim(), filtersOf(state), state.get("sort") ?? "");
