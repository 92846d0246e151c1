// Assigns our categories and tags to an article. Categories come from the
// source's defaults, from upstream category names mapped in the taxonomy
// (a name equal to a category's slug or label also maps), and from keywords
// found in the title and summary. Upstream names that map to no category
// become tags, beside the tags the article brought itself.
import type { CategoryRule } from '../config.js';

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

export function classify(input: ClassifyInput, taxonomy: readonly CategoryRule[]): Classification {
  const categories = new Set(input.sourceCategories);
  const unmapped: string[] = [];
  for (const name of input.upstreamCategories) {
    const rule = taxonomy.find((c) => namesOf(c).has(fold(name)));
    if (rule) categories.add(rule.slug);
    else unmapped.push(name);
  }
  const text = fold(`${input.title} ${input.summary ?? ''}`);
  for (const rule of taxonomy) {
    if (rule.keywords.some((k) => containsPhrase(text, fold(k)))) categories.add(rule.slug);
  }
  const tags = new Map<string, string>();
  for (const tag of [...input.tags, ...unmapped]) if (!tags.has(slugify(tag))) tags.set(slugify(tag), tag);
  tags.delete('');
  // Keep the taxonomy's order, so every format lists categories alike.
  return { categories: taxonomy.map((c) => c.slug).filter((s) => categories.has(s)), tags: [...tags.values()] };
}

function namesOf(rule: CategoryRule): Set<string> {
  return new Set([rule.slug, rule.label, ...rule.upstream].map(fold));
}

function fold(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

function containsPhrase(text: string, phrase: string): boolean {
  if (!phrase) return false;
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(text);
}

/** "São Paulo FC" → "sao-paulo-fc", "Москва" → "москва": the form used in tag URLs. */
export function slugify(value: string): string {
  return fold(value).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
}
