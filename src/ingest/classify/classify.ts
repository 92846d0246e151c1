// Assigns our categories and tags to an article.
// Categories: the source's defaults; upstream category names mapped in the
// taxonomy (a name equal to a category's slug or label also maps); keywords
// found in the title and summary; and the parents of all of these.
// Tags, the people, places and organisations a story is about: the tags the
// article brought, upstream names that map to no category, and gazetteer
// names found in the title and summary — each under its one canonical name,
// so that "ISIL", "ISIS" and "Daesh" are one tag.
import type { CategoryRule, GazetteerEntry } from '../../config/config.js';

export interface Classification {
  categories: string[];
  tags: string[];
}

export interface ClassifyInput {
  title: string;
  summary?: string;
  upstreamCategories: string[];
  tags: string[];
  sourceCategories: readonly string[];
}

export function classify(input: ClassifyInput, taxonomy: readonly CategoryRule[], gazetteer: readonly GazetteerEntry[] = []): Classification {
  const { slugByName, keywordRules, parentOf } = compiledTaxonomy(taxonomy);
  const categories = new Set(input.sourceCategories);
  const unmapped: string[] = [];
  for (const name of input.upstreamCategories) {
    const slug = slugByName.get(fold(name));
    if (slug) categories.add(slug);
    else unmapped.push(name);
  }
  const rawText = `${input.title} ${input.summary ?? ''}`;
  const text = fold(rawText);
  for (const rule of keywordRules) {
    if (rule.patterns.some((p) => p.test(text))) categories.add(rule.slug);
  }
  for (const slug of [...categories]) {
    for (let parent = parentOf.get(slug); parent && !categories.has(parent); parent = parentOf.get(parent)) categories.add(parent);
  }

  const { canonical, matchers } = compiledGazetteer(gazetteer);
  const mentioned = matchers.filter((m) => m.test(rawText, text)).map((m) => m.name);
  const tags = new Map<string, string>();
  for (const tag of [...input.tags, ...unmapped, ...mentioned]) {
    const name = canonical.get(fold(tag)) ?? tag;
    if (!tags.has(slugify(name))) tags.set(slugify(name), name);
  }
  tags.delete('');
  // Keep the taxonomy's order, so every format lists categories alike.
  return { categories: taxonomy.map((c) => c.slug).filter((s) => categories.has(s)), tags: [...tags.values()] };
}

interface CompiledTaxonomy {
  /** Every category's slug, label and upstream names, folded, to its slug; the first category in the taxonomy wins a name. */
  slugByName: Map<string, string>;
  /** Each category with keywords, and a pattern per keyword (a whole-word phrase in folded text). */
  keywordRules: { slug: string; patterns: RegExp[] }[];
  parentOf: Map<string, string | undefined>;
}

// Like the gazetteer, the taxonomy is read for every article but compiled
// once per configuration: folding every name and building a pattern for
// every keyword, article after article, cost more than classifying did.
const compiledTaxonomies = new WeakMap<readonly CategoryRule[], CompiledTaxonomy>();

function compiledTaxonomy(taxonomy: readonly CategoryRule[]): CompiledTaxonomy {
  let result = compiledTaxonomies.get(taxonomy);
  if (result) return result;
  const slugByName = new Map<string, string>();
  for (const rule of taxonomy) {
    for (const name of [rule.slug, rule.label, ...rule.upstream]) if (!slugByName.has(fold(name))) slugByName.set(fold(name), rule.slug);
  }
  const keywordRules = taxonomy
    .map((rule) => ({ slug: rule.slug, patterns: rule.keywords.map(fold).filter((k) => k !== '').map(phrasePattern) }))
    .filter((rule) => rule.patterns.length > 0);
  result = { slugByName, keywordRules, parentOf: new Map(taxonomy.map((c) => [c.slug, c.parent])) };
  compiledTaxonomies.set(taxonomy, result);
  return result;
}

interface CompiledGazetteer {
  /** Every name and alias, folded, to the entry's canonical name. */
  canonical: Map<string, string>;
  matchers: { name: string; test: (rawText: string, foldedText: string) => boolean }[];
}

// The configuration is frozen and lives as long as the process: compile its
// patterns once, not once per article.
const compiled = new WeakMap<readonly GazetteerEntry[], CompiledGazetteer>();

function compiledGazetteer(gazetteer: readonly GazetteerEntry[]): CompiledGazetteer {
  let result = compiled.get(gazetteer);
  if (result) return result;
  const canonical = new Map<string, string>();
  for (const entry of gazetteer) for (const n of [entry.name, ...entry.aliases]) canonical.set(fold(n), entry.name);
  const matchers = gazetteer.map((entry) => {
    const patterns = [entry.name, ...entry.aliases].map(mentionPattern);
    return { name: entry.name, test: (raw: string, folded: string) => patterns.some((p) => p.regex.test(p.folded ? folded : raw)) };
  });
  result = { canonical, matchers };
  compiled.set(gazetteer, result);
  return result;
}

/**
 * How a name is found in a text. An all-capitals alias ("ISIS", "IS") is an
 * acronym and must match as written, so that the word "is" is not the
 * Islamic State; other names match whatever their case or accents.
 */
function mentionPattern(name: string): { regex: RegExp; folded: boolean } {
  const acronym = /^[\p{Lu}\p{N}]{2,}$/u.test(name);
  return { regex: phrasePattern(acronym ? name : fold(name)), folded: !acronym };
}

function fold(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** The phrase as whole words: not inside a longer word. */
function phrasePattern(phrase: string): RegExp {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u');
}

/** "São Paulo FC" → "sao-paulo-fc", "Москва" → "москва": the form used in tag URLs. */
export function slugify(value: string): string {
  return fold(value).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
}
