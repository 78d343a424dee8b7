import { useCallback, useState } from 'react';
import { json, qs, type Credentials } from '../api';
import { DataTable, type Column } from '../components/DataTable';
import { LoadState, PeriodSelect, useLoad } from '../components/PageState';
import { StackedBars } from '../components/StackedBars';
import type { CtrReport, FlaggedRow, ModelsReport } from '../types';
import { ModelVersions } from './ModelVersions';

const HOUR = 3_600_000;
const PERIODS = [
  { value: '24h', label: 'Last 24 hours (hourly)', bucket: 'hour', ms: 24 * HOUR },
  { value: '48h', label: 'Last 48 hours (hourly)', bucket: 'hour', ms: 48 * HOUR },
  { value: '14d', label: 'Last 14 days (daily)', bucket: 'day', ms: 14 * 24 * HOUR },
] as const;
export const pct = (v: number | null, digits = 1) => (v === null ? '–' : `${(v * 100).toFixed(digits)} %`);
const int = (v: number) => Math.round(v).toLocaleString('en');
/** An hour's axis label: the day at midnight, else the hour; a day's: MM-DD. */
const axisLabel = (c: string) => (c.length > 10 ? (c.endsWith(' 00h') ? c.slice(5, 10) : c.slice(11)) : c.slice(5));

interface Dashboard {
  ctr: CtrReport;
  flagged: { items: FlaggedRow[]; users: FlaggedRow[] };
  models: ModelsReport;
}

/** Every bucket of the window (the API leaves empty ones out), labelled like the Spend page's days. */
function buckets(r: CtrReport) {
  const step = r.bucket === 'hour' ? HOUR : 24 * HOUR;
  const start = Math.floor(new Date(r.from).getTime() / step) * step;
  const end = new Date(r.to).getTime();
  const byAt = new Map(r.points.map((p) => [new Date(p.at).getTime(), p]));
  const out = [];
  for (let t = start; t < end; t += step) {
    const iso = new Date(t).toISOString();
    const p = byAt.get(t);
    out.push({ label: r.bucket === 'hour' ? `${iso.slice(0, 10)} ${iso.slice(11, 13)}h` : iso.slice(0, 10), impressions: p?.impressions ?? 0, explored: p?.explored ?? 0, ctr: p?.ctr ?? 0 });
  }
  return out;
}

/** The recommender's health for the key's tenant: CTR and exploration over time, flags, the model registry with its OPE. */
export function RecommenderPage({ creds }: { creds: Credentials }) {
  const [period, setPeriod] = useState<(typeof PERIODS)[number]['value']>('48h');
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const { data, error } = useLoad<Dashboard>(async () => {
    const p = PERIODS.find((x) => x.value === period) ?? PERIODS[1];
    const to = Math.ceil(Date.now() / HOUR) * HOUR;
    const [ctr, flagged, models] = await Promise.all([
      json<CtrReport>(creds, 'recsys', `/v1/dashboard/ctr${qs({ bucket: p.bucket, from: new Date(to - p.ms).toISOString(), to: new Date(to).toISOString() })}`),
      json<Dashboard['flagged']>(creds, 'recsys', '/v1/dashboard/flagged'),
      json<ModelsReport>(creds, 'recsys', '/v1/dashboard/models'),
    ]);
    return { ctr, flagged, models };
  }, [creds, period, generation]);

  return (
    <section aria-labelledby="rec-h">
      <h1 id="rec-h">Recommender</h1>
      <PeriodSelect value={period} options={PERIODS} onChange={setPeriod} />
      <LoadState data={data} error={error}>
        {(data) => <RecommenderBody data={data} reload={reload} />}
      </LoadState>
    </section>
  );
}

function RecommenderBody({ data, reload }: { data: Dashboard; reload: () => void }) {
  const rows = buckets(data.ctr);
  const unit = data.ctr.bucket === 'day' ? 'UTC day' : 'UTC hour';
  return (
    <>
      <p className="big" role="status">
        CTR {pct(data.ctr.totals.ctr, 2)} <span className="muted">· {int(data.ctr.totals.clicks)} clicks on {int(data.ctr.totals.impressions)} impressions · exploration {pct(data.ctr.totals.explorationShare)}</span>
      </p>
      <section className="card" aria-labelledby="ctr-h">
        <h2 id="ctr-h">CTR per {unit}</h2>
        <StackedBars title={`Click-through rate per ${unit}`} categories={rows.map((r) => r.label)} series={[{ name: 'CTR', color: '#1f5fa8', values: rows.map((r) => r.ctr) }]} format={(v) => pct(v)} tick={axisLabel} />
      </section>
      <section className="card" aria-labelledby="exp-h">
        <h2 id="exp-h">Impressions per {unit}: model vs exploration</h2>
        <StackedBars
          title={`Impressions per ${unit}, chosen by the model or explored`}
          categories={rows.map((r) => r.label)}
          series={[
            { name: 'model', color: '#0f766e', values: rows.map((r) => r.impressions - r.explored) },
            { name: 'explored', color: '#c2410c', values: rows.map((r) => r.explored) },
          ]}
          format={int}
          tick={axisLabel}
        />
      </section>
      <div className="grid2">
        <section className="card" aria-labelledby="fi-h">
          <h2 id="fi-h">Flagged items</h2>
          <FlagTable rows={data.flagged.items} label="Item" caption="Items with flagged events (last 30 days)" />
        </section>
        <section className="card" aria-labelledby="bot-h">
          <h2 id="bot-h">Bot users</h2>
          <FlagTable rows={data.flagged.users} label="User" caption="Users flagged as bots (last 30 days)" />
        </section>
      </div>
      <ModelVersions models={data.models} onChanged={reload} />
    </>
  );
}

const FLAG_COLUMNS = (label: string): Array<Column<FlaggedRow>> => [
  { header: label, cell: (r) => r.id },
  { header: 'Reason', cell: (r) => r.reason },
  { header: 'Events', cell: (r) => int(r.events), num: true },
  { header: 'Last', cell: (r) => new Date(r.lastAt).toISOString().slice(0, 16).replace('T', ' ') },
];

function FlagTable({ rows, label, caption }: { rows: FlaggedRow[]; label: string; caption: string }) {
  return <DataTable rows={rows} columns={FLAG_COLUMNS(label)} caption={caption} rowKey={(r) => `${r.id}\u0000${r.reason}`} empty="Nothing flagged in the last 30 days." />;
}
