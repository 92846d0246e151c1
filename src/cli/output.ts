// What the command line prints besides plain lines: ingest progress and
// plain text tables (ingest results, source health, import reports).
// Progress is one line redrawn in place on a terminal and one line per
// source otherwise, so that logs and CI output stay readable.
import type { SourceResult } from '../model.js';
import type { ImportPlan } from '../opml/import.js';
import type { RecordedResult } from '../store/runs.js';

/** Where progress goes: process.stderr, or a stand-in for it. */
export interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** One more source done. */
  advance(result: SourceResult): void;
  /** Clears the redrawn line, so that what follows starts on a clean line. */
  end(): void;
}

// ANSI "erase in line" (ECMA-48 EL, CSI K): clears what a longer line left behind.
const ERASE_LINE = '\x1b[K';

export function ingestProgress(total: number, out: (line: string) => void, terminal: Terminal): Progress {
  let done = 0;
  let drawn = false;
  return {
    advance(r) {
      done++;
      if (!terminal.isTTY) {
        out(`[${done}/${total}] ${r.source}: ${outcome(r)}`);
        return;
      }
      const status = r.status === 'ok' ? `ok ${r.itemsNew} new${r.itemsUpdated ? `, ${r.itemsUpdated} updated` : ''}` : outcome(r);
      terminal.write(`\r${fit(`[${done}/${total}] ${r.source} ${status}`, terminal.columns)}${ERASE_LINE}`);
      drawn = true;
    },
    end() {
      if (drawn) terminal.write(`\r${ERASE_LINE}`);
      drawn = false;
    },
  };
}

function outcome(r: SourceResult): string {
  if (r.status === 'ok') return `${r.itemsNew} new, ${r.itemsUpdated} updated`;
  if (r.status === 'not-modified') return 'not modified';
  if (r.status === 'interrupted') return 'interrupted';
  return `error: ${r.error ?? 'unknown'}`;
}

/** A line that wraps cannot be redrawn with a carriage return: cut it to the width. */
function fit(line: string, columns: number | undefined): string {
  if (!columns || line.length < columns) return line;
  return `${line.slice(0, Math.max(columns - 2, 0))}…`;
}

export function resultTable(results: readonly RecordedResult[]): string {
  const rows = results.map((r) => [r.source, r.status, String(r.itemsSeen), String(r.itemsNew), String(r.itemsUpdated), r.error ?? '']);
  return table(['source', 'status', 'seen', 'new', 'updated', 'error'], rows);
}

/** What an OPML import did: a row per feed, a count, and the category names nobody uses. */
export function importReport(plan: ImportPlan): string {
  const rows = [
    ...plan.add.map((s) => ['added', s.slug, s.url, s.categories.join(', '), '']),
    ...plan.update.map((s) => ['updated', s.slug, s.url, s.categories.join(', '), '']),
    ...plan.skip.map((s) => ['skipped', s.name, s.url ?? '', '', s.reason]),
  ];
  const lines = [`Added ${plan.add.length}, updated ${plan.update.length}, skipped ${plan.skip.length}.`];
  if (rows.length) lines.unshift(table(['action', 'source', 'url', 'categories', 'note'], rows), '');
  if (plan.ignoredCategories.length) {
    lines.push(`Ignored categories (no configured category has that slug or label): ${plan.ignoredCategories.join(', ')}.`);
  }
  return lines.join('\n');
}

/** A plain text table: columns padded to their widest cell. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
