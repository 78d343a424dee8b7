import { useState, type ReactNode } from 'react';
import { json, qs, type Credentials } from '../api';
import { DataTable, type Column } from '../components/DataTable';
import { LoadState, PeriodSelect, useLoad } from '../components/PageState';
import { StackedBars } from '../components/StackedBars';
import type { KeyLimits, KeySpend, KeySpendReport, UsageRow, UsageSummary } from '../types';

const DAY = 86_400_000;
const MODALITIES = [
  { name: 'text', color: '#1f5fa8' },
  { name: 'image', color: '#c2410c' },
  { name: 'audio', color: '#0f766e' },
  { name: 'video', color: '#7e22ce' },
];
/** Why the gateway refused requests, in words and a colour each (the chart's series). */
const REASONS: Record<string, { label: string; color: string }> = {
  rpm: { label: 'requests per minute', color: '#1f5fa8' },
  tpm: { label: 'tokens per minute', color: '#0f766e' },
  budget_daily: { label: 'daily budget', color: '#b91c1c' },
  budget_monthly: { label: 'monthly budget', color: '#7f1d1d' },
  safety: { label: 'safety check', color: '#7e22ce' },
  too_large: { label: 'too large', color: '#c2410c' },
  context_length: { label: 'context too long', color: '#a16207' },
  busy: { label: 'encoders busy', color: '#475569' },
  invalid: { label: 'invalid input', color: '#334155' },
};
const PERIODS = [
  { value: 7, label: 'Last 7 days' },
  { value: 14, label: 'Last 14 days' },
  { value: 30, label: 'Last 30 days' },
];
/** Dollars to the cent, or to two significant digits below a cent (test and small-model prices are tiny). */
export const usd = (v: number) => (v === 0 ? '$0' : v >= 0.01 ? `$${v.toFixed(2)}` : `$${v.toFixed(Math.min(10, 1 - Math.floor(Math.log10(v))))}`);
const int = (v: number) => Math.round(v).toLocaleString('en');
/** A count on an axis whose ticks may fall between whole numbers (0.5 of 2 refusals). */
const count = (v: number) => (Number.isInteger(v) ? int(v) : v.toFixed(1));
const reasonLabel = (r: string) => REASONS[r]?.label ?? r;

interface Spend {
  days: string[];
  byDay: UsageRow[][];
  byModality: UsageRow[];
  byKey: UsageRow[];
  total: UsageSummary['total'];
  keys: KeySpendReport;
}

/** The tenant's spend through chat-gateway: per modality, per key, per UTC day (stacked by modality); each key's limits, budgets and refused requests. */
export function SpendPage({ creds }: { creds: Credentials }) {
  const [span, setSpan] = useState(14);
  const { data, error } = useLoad<Spend>(async () => {
    const end = Math.floor(Date.now() / DAY) * DAY + DAY; // the end of today, UTC
    const days = Array.from({ length: span }, (_, i) => new Date(end - (span - i) * DAY).toISOString().slice(0, 10));
    const summary = (group_by: string, from: number, to: number) => json<UsageSummary>(creds, 'gateway', `/v1/usage${qs({ group_by, from: new Date(from).toISOString(), to: new Date(to).toISOString() })}`);
    const [mod, key, keys, ...perDay] = await Promise.all([
      summary('modality', end - span * DAY, end),
      summary('key', end - span * DAY, end),
      json<KeySpendReport>(creds, 'gateway', `/v1/usage/keys${qs({ days: String(span) })}`),
      ...days.map((_, i) => summary('modality', end - (span - i) * DAY, end - (span - i - 1) * DAY)),
    ]);
    return { days, byModality: mod.data, byKey: key.data, byDay: perDay.map((d) => d.data), total: mod.total, keys };
  }, [creds, span]);

  return (
    <section aria-labelledby="spend-h">
      <h1 id="spend-h">Spend</h1>
      <PeriodSelect value={span} options={PERIODS} onChange={setSpan} />
      <LoadState data={data} error={error}>
        {(d) => (
          <>
            <p className="big" role="status">
              {usd(d.total.cost_usd)} <span className="muted">· {int(d.total.tokens)} tokens in {span} days</span>
            </p>
            <section className="card" aria-labelledby="daily-h">
              <h2 id="daily-h">Cost per day by modality</h2>
              <StackedBars
                title="Cost per UTC day, stacked by modality"
                categories={d.days}
                series={MODALITIES.map((m) => ({ ...m, values: d.byDay.map((rows) => rows.find((r) => r.group === m.name)?.cost_usd ?? 0) }))}
                format={usd}
              />
            </section>
            <div className="grid2">
              <section className="card" aria-labelledby="mod-h">
                <h2 id="mod-h">By modality</h2>
                <DataTable rows={d.byModality} columns={usageColumns('Modality', (r) => r.group)} caption="Usage by modality" rowKey={(r) => r.group} empty="No usage in this period." />
              </section>
              <section className="card" aria-labelledby="key-h">
                <h2 id="key-h">By API key</h2>
                <DataTable rows={d.byKey} columns={usageColumns('Key', (r) => r.key_name ?? <em>deleted key</em>)} caption="Usage by API key" rowKey={(r) => r.group} empty="No usage in this period." />
              </section>
            </div>
            <KeyLimitsCard report={d.keys} />
            <RejectionsCard report={d.keys} />
          </>
        )}
      </LoadState>
    </section>
  );
}

function usageColumns(label: string, name: (r: UsageRow) => ReactNode): Array<Column<UsageRow>> {
  return [
    { header: label, cell: name },
    { header: 'Requests', cell: (r) => int(r.requests), num: true },
    { header: 'Tokens', cell: (r) => int(r.tokens), num: true },
    { header: 'Cost', cell: (r) => usd(r.cost_usd), num: true },
  ];
}

/** A limit as the gateway applies it: the key's own, or the default (said so); 0 is unlimited. */
function limit(k: KeySpend, field: keyof KeyLimits, format: (v: number) => string) {
  const v = k.limits[field];
  return (
    <>
      {v > 0 ? format(v) : 'unlimited'}
      {!k.overridden.includes(field) && <span className="muted"> (default)</span>}
    </>
  );
}

/** Spend against a budget: a meter and the figures (no budget: the spend alone). */
function budget(k: KeySpend, spent: number, field: 'daily_budget_usd' | 'monthly_budget_usd', period: string) {
  const b = k.limits[field];
  if (!(b > 0)) return <>{usd(spent)} <span className="muted">· no {period} budget{k.overridden.includes(field) ? '' : ' (default)'}</span></>;
  const share = Math.min(1, spent / b);
  return (
    <span className="budget">
      <meter min={0} max={1} low={0.8} high={0.95} optimum={0} value={share} aria-label={`${k.name}: ${Math.round(share * 100)}% of the ${period} budget spent`} /> {usd(spent)} of {usd(b)}
      {!k.overridden.includes(field) && <span className="muted"> (default)</span>}
    </span>
  );
}

function KeyLimitsCard({ report }: { report: KeySpendReport }) {
  const columns: Array<Column<KeySpend>> = [
    { header: 'Key', cell: (k) => <>{k.name} <span className="muted">{k.prefix}{k.revoked ? ' · revoked' : ''}</span></> },
    { header: 'Requests / min', cell: (k) => limit(k, 'rpm', int), num: true },
    { header: 'Tokens / min', cell: (k) => limit(k, 'tpm', int), num: true },
    { header: `Today (${report.day})`, cell: (k) => budget(k, k.spend.today_usd, 'daily_budget_usd', 'daily') },
    { header: `This month (${report.month})`, cell: (k) => budget(k, k.spend.month_usd, 'monthly_budget_usd', 'monthly') },
    { header: 'Refused', cell: (k) => int(k.rejected.total), num: true },
  ];
  return (
    <section className="card" aria-labelledby="limits-h">
      <h2 id="limits-h">Budgets and limits per key</h2>
      <DataTable rows={report.data} columns={columns} caption="Budgets and limits per API key" rowKey={(k) => k.key_id} empty="No API keys." />
      <p className="muted">Limits apply at the gateway across its replicas; a key over a limit or a spent budget is answered 429 and the refusal is counted below. Defaults come from the gateway's configuration; a key's own limits override them.</p>
    </section>
  );
}

function RejectionsCard({ report }: { report: KeySpendReport }) {
  const reasons = report.reasons.filter((r) => report.data.some((k) => (k.rejected.by_reason[r] ?? 0) > 0));
  const perDay = (reason: string) => report.days.map((day) => report.data.reduce((n, k) => n + k.rejected.by_day.filter((x) => x.day === day && x.reason === reason).reduce((a, x) => a + x.count, 0), 0));
  const refused = report.data.filter((k) => k.rejected.total > 0);
  const columns: Array<Column<KeySpend>> = [{ header: 'Key', cell: (k) => k.name }, ...reasons.map((r) => ({ header: reasonLabel(r), cell: (k: KeySpend) => int(k.rejected.by_reason[r] ?? 0), num: true })), { header: 'Total', cell: (k) => int(k.rejected.total), num: true }];
  return (
    <section className="card" aria-labelledby="refused-h">
      <h2 id="refused-h">Refused requests</h2>
      {refused.length === 0 ? (
        <p>No request was refused in this period.</p>
      ) : (
        <>
          <StackedBars title="Refused requests per UTC day, stacked by reason" categories={report.days} series={reasons.map((r) => ({ name: reasonLabel(r), color: REASONS[r]?.color ?? '#334155', values: perDay(r) }))} format={count} />
          <DataTable rows={refused} columns={columns} caption="Refused requests by API key and reason" rowKey={(k) => k.key_id} empty="" />
        </>
      )}
    </section>
  );
}
