// The bench's output: tables printed to the terminal and written as markdown to BENCHMARKS.md.

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** Sentences printed under the table: what was measured and how. */
  notes: string[];
}

export function renderText(table: Table): string {
  const widths = table.columns.map((column, i) => Math.max(column.length, ...table.rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [`== ${table.title}`, line(table.columns), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line), ''].join('\n');
}

export function renderMarkdown(table: Table): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const align = table.columns.map((_, i) => (i === 0 ? '---' : '---:'));
  return [
    `### ${table.title}`,
    '',
    line(table.columns),
    line(align),
    ...table.rows.map(line),
    '',
    ...table.notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
