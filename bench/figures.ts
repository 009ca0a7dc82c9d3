/** What one bench part returns: named figures, nested for baselines, goals and per-element results. */
export interface Figures {
  [name: string]: number | string | boolean | null | Figures;
}

type Scalar = number | string | boolean | null;

const isScalar = (value: unknown): value is Scalar => value === null || typeof value !== 'object';

function show(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  return isScalar(value) ? String(value) : JSON.stringify(value);
}

function ratio(value: unknown, baseline: unknown): string {
  if (typeof value !== 'number' || typeof baseline !== 'number' || baseline === 0) return '-';
  return (value / baseline).toFixed(2);
}

function printRows(rows: readonly string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd());
}

/**
 * Prints one section of the results. With `goals`: figure, value, goal, baseline and
 * value/baseline per row. A section of sections (per-element results): one column each, their
 * baselines beside them. Otherwise one `key value` line per figure.
 */
export function printTable(name: string, figures: Figures): void {
  console.log(`\n${name}`);
  const entries = Object.entries(figures);
  const goals = figures.goals;
  if (goals && typeof goals === 'object') {
    const baseline = (typeof figures.baseline === 'object' && figures.baseline) || {};
    const met = (typeof figures.met === 'object' && figures.met) || {};
    const rows = [['figure', 'value', 'goal', 'met', 'baseline', 'ratio']];
    for (const [key, value] of entries) {
      if (!isScalar(value)) continue;
      rows.push([key, show(value), show(goals[key]), met[key] === undefined ? '' : met[key] ? 'yes' : 'NO', show(baseline[key]), ratio(value, baseline[key])]);
    }
    printRows(rows);
    for (const [key, value] of entries) if (!isScalar(value) && !['goals', 'baseline', 'met'].includes(key)) console.log(`  ${key}: ${show(value)}`);
    return;
  }
  if (entries.length > 0 && entries.every(([, value]) => !isScalar(value))) {
    const columns: [string, Figures][] = [];
    for (const [key, value] of entries as [string, Figures][]) {
      columns.push([key, value]);
      if (value.baseline && typeof value.baseline === 'object') columns.push([`${key} baseline`, value.baseline]);
    }
    // Long texts (notes such as where a leaked timer came from) go below the table.
    const long = (value: unknown) => typeof value === 'string' && value.length > 24;
    const keys = [...new Set(columns.flatMap(([, column]) => Object.keys(column).filter((key) => isScalar(column[key]))))];
    printRows([
      ['figure', ...columns.map(([key]) => key)],
      ...keys.map((key) => [key, ...columns.map(([, column]) => (long(column[key]) ? '(below)' : show(column[key])))]),
    ]);
    for (const [name, column] of columns) for (const key of keys) if (long(column[key])) console.log(`  ${name} ${key}: ${show(column[key])}`);
    return;
  }
  for (const [key, value] of entries) console.log(`  ${key.padEnd(20)} ${show(value)}`);
}
