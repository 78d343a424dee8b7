#!/usr/bin/env node
// Summarises a Stryker JSON report (reports/mutation/<project>/mutation.json): per-file counts and
// score, then every surviving / uncovered mutant as `file:line mutator → replacement`, in Markdown.
//   node tools/stryker/summarize.mjs <project> [--survivors-only]
import fs from 'node:fs';
import path from 'node:path';

const [project, ...rest] = process.argv.slice(2);
if (!project) {
  console.error('usage: node tools/stryker/summarize.mjs <project> [--survivors-only]');
  process.exit(2);
}
const file = path.join('reports/mutation', project, 'mutation.json');
if (!fs.existsSync(file)) {
  console.error(`${file} not found: run npx nx mutate ${project} first`);
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const STATES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'RuntimeError', 'Ignored'];
const rows = [];
const total = Object.fromEntries(STATES.map((s) => [s, 0]));
const left = [];
for (const [name, f] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const c = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const m of f.mutants) {
    c[m.status] = (c[m.status] ?? 0) + 1;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      const line = f.source.split('\n')[m.location.start.line - 1]?.trim() ?? '';
      left.push(`| \`${name}:${m.location.start.line}\` | ${m.status} | ${m.mutatorName} | \`${String(m.replacement ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 80)}\` | \`${line.replace(/\|/g, '\\|').slice(0, 90)}\` |`);
    }
  }
  for (const s of STATES) total[s] += c[s];
  rows.push([name, c]);
}
const score = (c) => {
  const valid = c.Killed + c.Timeout + c.Survived + c.NoCoverage;
  return valid ? ((100 * (c.Killed + c.Timeout)) / valid).toFixed(2) : '—';
};
if (!rest.includes('--survivors-only')) {
  console.log('| file | killed | timed out | survived | no coverage | compile errors | score |');
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  for (const [name, c] of rows) console.log(`| ${name} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.CompileError} | ${score(c)} % |`);
  console.log(`| **all** | ${total.Killed} | ${total.Timeout} | ${total.Survived} | ${total.NoCoverage} | ${total.CompileError} | **${score(total)} %** |`);
  console.log('');
}
console.log('| where | status | mutator | replacement | original line |');
console.log('|---|---|---|---|---|');
for (const l of left) console.log(l);
