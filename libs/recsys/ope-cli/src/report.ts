import type { EvaluationReport } from './evaluate';

const ESTIMATOR_LABEL: Record<string, string> = { ips: 'IPS', snips: 'SNIPS', dm: 'DM', dr: 'DR', sndr: 'SNDR', switchDr: 'Switch-DR', drOs: 'DRos' };

export function estimatorLabel(name: string): string {
  return ESTIMATOR_LABEL[name] ?? name;
}

export function sourceLabel(r: EvaluationReport): string {
  const s = r.source;
  if (s.kind === 'obd') return `OBD ${s.behavior ? `${s.behavior}/` : ''}${s.campaign}`;
  return `Postgres tenant ${s.tenant}${s.surface ? `, surface ${s.surface}` : ''}`;
}

const num = (x: number, digits = 6) => (Number.isFinite(x) ? x.toFixed(digits) : x === Infinity ? 'inf' : '-');
const int = (x: number) => Math.round(x).toLocaleString('en-US');

/** The human-readable report: a header, one table row per policy × estimator, then the warnings. */
export function formatTable(r: EvaluationReport): string {
  const s = r.settings;
  const lines: string[] = [];
  const window = r.source.kind === 'postgres' ? ` · ${r.source.since ?? 'start'} .. ${r.source.until ?? 'now'} · ${int(r.source.requests)} requests` : '';
  lines.push(`${sourceLabel(r)} · ${int(r.rows)} rows · ${int(r.actions)} actions · ${r.positions} position${r.positions === 1 ? '' : 's'}${window} · logged mean reward ${num(r.loggedMean)}`);
  const level = Math.round(100 * (1 - s.alpha) * 1000) / 1000;
  lines.push(
    `reward model: ${r.rewardModel ?? 'none (DM, DR, SNDR, Switch-DR, DRos not estimated)'} · ` +
      (s.bootstrap > 0 ? `bootstrap ${int(s.bootstrap)} resamples, ${level}% CI, seed ${s.seed}` : 'no bootstrap'),
  );
  const clips = (['ipsClip', 'drClip', 'switchLambda', 'drosLambda'] as const).filter((k) => s[k] !== undefined).map((k) => `${k} ${s[k]}`);
  if (clips.length) lines.push(`options: ${clips.join(', ')}`);
  lines.push('');
  const header = ['policy', 'estimator', 'estimate', `${level}% CI`, 'vs logged', 'ESS', 'max w', 'warnings'];
  const body: string[][] = [];
  for (const p of r.policies) {
    const d = p.diagnostics;
    for (const e of p.estimates) {
      body.push([
        p.name,
        estimatorLabel(e.estimator),
        num(e.estimate),
        Number.isFinite(e.lower) ? `[${num(e.lower)}, ${num(e.upper)}]` : '-',
        r.loggedMean > 0 && Number.isFinite(e.estimate) ? `${(e.estimate / r.loggedMean).toFixed(3)}x` : '-',
        d.ess.toFixed(1),
        num(d.maxWeight, 2),
        p.warnings.length === 0 ? 'ok' : `${p.warnings.length} (below)`,
      ]);
    }
  }
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const right = new Set([2, 4, 5, 6]);
  const fmt = (row: string[]) =>
    row
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  lines.push(fmt(header));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  let last = '';
  for (const row of body) {
    if (last && row[0] !== last) lines.push('');
    last = row[0];
    lines.push(fmt(row));
  }
  const warned = r.policies.filter((p) => p.warnings.length > 0);
  if (warned.length > 0) {
    lines.push('');
    lines.push('warnings (estimates of these policies are unreliable):');
    for (const p of warned) for (const w of p.warnings) lines.push(`  ${p.name}: ${w}`);
  }
  return lines.join('\n') + '\n';
}

/** The machine-readable report (one JSON document; NaN and ±∞ become null, so a null clip is ∞). */
export function toJsonReport(r: EvaluationReport, version: string): unknown {
  const n = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);
  const s = r.settings;
  return {
    tool: 'frontier-ope',
    version,
    source: r.source,
    rows: r.rows,
    actions: r.actions,
    positions: r.positions,
    loggedMean: n(r.loggedMean),
    rewardModel: r.rewardModel,
    settings: {
      bootstrap: s.bootstrap,
      alpha: s.alpha,
      seed: s.seed,
      ipsClip: n(s.ipsClip),
      drClip: n(s.drClip),
      switchLambda: n(s.switchLambda),
      drosLambda: n(s.drosLambda),
    },
    policies: r.policies.map((p) => ({
      name: p.name,
      description: p.description,
      diagnostics: {
        n: p.diagnostics.n,
        ess: n(p.diagnostics.ess),
        essFraction: n(p.diagnostics.essFraction),
        meanWeight: n(p.diagnostics.meanWeight),
        maxWeight: n(p.diagnostics.maxWeight),
        maxWeightShare: n(p.diagnostics.maxWeightShare),
      },
      reliable: p.reliable,
      warnings: [...p.warnings],
      estimates: Object.fromEntries(
        p.estimates.map((e) => [e.estimator, { estimate: n(e.estimate), lower: n(e.lower), upper: n(e.upper), bootstrapMean: n(e.bootstrapMean) }]),
      ),
    })),
  };
}
