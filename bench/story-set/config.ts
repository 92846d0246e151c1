// The configuration a run of the set needs: its six sources at the fixture
// server (config-file sources may be on loopback: only sources added through
// the admin API or an import meet the SSRF guard), a category for every slug
// the articles use, a tag for every name in the files' aliases, full text
// public. The database is given apart (WIREFEED_DB).
import type { StorySet } from './set.js';

const q = (text: string) => JSON.stringify(text);

export function setConfigYaml(set: StorySet, feedUrls: Map<string, string>): string {
  const categories = [...new Set(set.articles.flatMap((a) => a.categories))].sort();
  return `site: { title: Story set, base_url: "http://wirefeed.test", author: Story set }
publish: { full_text_public: true }
log: { level: silent }
categories:
${categories.map((c) => `  - { slug: ${q(c)}, label: ${q(c)}, upstream: [${q(c)}] }`).join('\n') || '  []'}
tags:
${
  Object.entries(set.aliases)
    .map(([name, aliases]) => `  - { name: ${q(name)}, aliases: [${aliases.map(q).join(', ')}] }`)
    .join('\n') || '  []'
}
sources:
${set.sources.map((s) => `  - { slug: ${q(s.slug)}, name: ${q(s.name)}, url: ${q(feedUrls.get(s.slug) ?? '')}, site_url: "https://${s.slug}.example/" }`).join('\n')}
`;
}
