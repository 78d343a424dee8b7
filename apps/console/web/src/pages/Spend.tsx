import { useEffect, useId, useState } from 'react';
import { json, qs, type Credentials } from '../api';
import { Scroll } from '../components/Scroll';
import { StackedBars } from '../components/StackedBars';
import type { UsageRow, UsageSummary } from '../types';

const DAY = 86_400_000;
const MODALITIES = [
  { name: 'text', color: '#1f5fa8' },
  { name: 'image', color: '#c2410c' },
  { name: 'audio', color: '#0f766e' },
  { name: 'video', color: '#7e22ce' },
];
/** Dollars to the cent, or to two significant digits below a cent (test and small-model prices are tiny). */
export const usd = (v: number) => (v === 0 ? '$0' : v >= 0.01 ? `$${v.toFixed(2)}` : `$${v.toFixed(Math.min(10, 1 - Math.floor(Math.log10(v))))}`);
const int = (v: number) => Math.round(v).toLocaleString('en');

interface Spend {
  days: string[];
  byDay: UsageRow[][];
  byModality: UsageRow[];
  byKey: UsageRow[];
  total: UsageSummary['total'];
}

/** The tenant's spend through chat-gateway: per modality, per key, per UTC day (stacked by modality). */
export function SpendPage({ creds }: { creds: Credentials }) {
  const daysId = useId();
  const [span, setSpan] = useState(14);
  const [data, setData] = useState<Spend | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    const end = Math.floor(Date.now() / DAY) * DAY + DAY; // the end of today, UTC
    const days = Array.from({ length: span }, (_, i) => new Date(end - (span - i) * DAY).toISOString().slice(0, 10));
    const summary = (group_by: string, from: number, to: number) => json<UsageSummary>(creds, 'gateway', `/v1/usage${qs({ group_by, from: new Date(from).toISOString(), to: new Date(to).toISOString() })}`);
    setError('');
    Promise.all([summary('modality', end - span * DAY, end), summary('key', end - span * DAY, end), ...days.map((_, i) => summary('modality', end - (span - i) * DAY, end - (span - i - 1) * DAY))])
      .then(([mod, key, ...perDay]) => {
        if (!live || !mod || !key) return;
        setData({ days, byModality: mod.data, byKey: key.data, byDay: perDay.map((d) => d.data), total: mod.total });
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [creds, span]);

  return (
    <section aria-labelledby="spend-h">
      <h1 id="spend-h">Spend</h1>
      <div className="row wrap toolbar">
        <div className="field inline">
          <label htmlFor={daysId}>Period</label>
          <select id={daysId} value={span} onChange={(e) => setSpan(Number(e.target.value))}>
            <option value={7}>Last 7 days</option>
            <option value={14}>Last 14 days</option>
            <option value={30}>Last 30 days</option>
          </select>
        </div>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!data ? (
        !error && <p role="status">Loading…</p>
      ) : (
        <>
          <p className="big" role="status">
            {usd(data.total.cost_usd)} <span className="muted">· {int(data.total.tokens)} tokens in {span} days</span>
          </p>
          <section className="card" aria-labelledby="daily-h">
            <h2 id="daily-h">Cost per day by modality</h2>
            <StackedBars
              title="Cost per UTC day, stacked by modality"
              categories={data.days}
              series={MODALITIES.map((m) => ({ ...m, values: data.byDay.map((rows) => rows.find((r) => r.group === m.name)?.cost_usd ?? 0) }))}
              format={usd}
            />
          </section>
          <div className="grid2">
            <section className="card" aria-labelledby="mod-h">
              <h2 id="mod-h">By modality</h2>
              <UsageTable rows={data.byModality} label="Modality" caption="Usage by modality" />
            </section>
            <section className="card" aria-labelledby="key-h">
              <h2 id="key-h">By API key</h2>
              <UsageTable rows={data.byKey} label="Key" caption="Usage by API key" keyNames />
              <p className="muted">Per-key limits and budgets (requests and tokens per minute, daily and monthly budgets) apply at the gateway; a key over its budget is answered 429.</p>
            </section>
          </div>
        </>
      )}
    </section>
  );
}

function UsageTable({ rows, label, caption, keyNames = false }: { rows: UsageRow[]; label: string; caption: string; keyNames?: boolean }) {
  if (!rows.length) return <p>No usage in this period.</p>;
  return (
    <Scroll label={caption}>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col" className="num">Requests</th>
            <th scope="col" className="num">Tokens</th>
            <th scope="col" className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.group}>
              <th scope="row">{keyNames ? (r.key_name ?? <em>deleted key</em>) : r.group}</th>
              <td className="num">{int(r.requests)}</td>
              <td className="num">{int(r.tokens)}</td>
              <td className="num">{usd(r.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}
