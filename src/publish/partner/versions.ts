// An article's history as JSON (snake_case): the current version's number
// and the earlier versions kept (store/versions/article-versions.ts), newest
// first, each with when it was current, what the correction that replaced
// it changed, its title and summary, and its body only when the reader may
// have the full text (http/partner.ts decides; this module only obeys).
// Served to partners at /articles/{id}/versions.json, to the admin at
// /admin/articles/{id}/versions, and printed by `wirefeed articles versions --json`.
import type { ArticleHistory } from '../../store/versions/article-versions.js';

export function versionsJson(id: number, history: ArticleHistory, baseUrl: string, fullText: boolean): Record<string, unknown> {
  return {
    id: `${baseUrl}/articles/${id}`,
    version: history.version,
    previous_versions: history.previous.map((v) => ({
      version: v.version,
      title: v.title,
      summary: v.summary,
      ...(fullText ? { content_html: v.contentHtml } : {}),
      created_at: v.createdAt.toISOString(),
      replaced_at: v.replacedAt.toISOString(),
      changed: v.changed,
    })),
  };
}
