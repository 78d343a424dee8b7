import { useId, useState } from 'react';
import { raw } from '../api';
import { ConfirmDialog, type Confirmation } from '../components/ConfirmDialog';
import { IntervalChart, type IntervalRow } from '../components/IntervalChart';
import { Scroll } from '../components/Scroll';
import type { Interval, ModelsReport, ModelVersion } from '../types';

const STATE_COLOR: Record<ModelVersion['state'], string> = { live: '#0f766e', candidate: '#1f5fa8', retired: '#4b5563', rejected: '#b3261e' };
const est = (v: number) => v.toFixed(4);
const ci = (i: Interval | undefined) => (i ? `${est(i.estimate)} [${est(i.lower)}, ${est(i.upper)}]` : '–');

/**
 * The model registry: every version's OPE (DR estimate with its bootstrap CI, as a forest plot and a
 * table with SNIPS, ESS and the warnings / gate reasons), and the operator's promote and roll back —
 * which need the admin token (asked for here, kept only in this page's memory).
 */
export function ModelVersions({ models, onChanged }: { models: ModelsReport; onChanged: () => void }) {
  const tokenId = useId();
  const [token, setToken] = useState('');
  const [confirm, setConfirm] = useState<Confirmation | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const tenantId = models.versions[0]?.tenantId;

  const act = (path: string, done: string) => {
    setError('');
    setStatus('Working…');
    raw({ apiKey: token, userId: '' }, 'recsys', `/v1/admin/tenants/${tenantId}/models/${path}`, { method: 'POST', body: JSON.stringify({ kind: models.kind }) })
      .then(() => {
        setStatus(done);
        onChanged();
      })
      .catch((e: unknown) => {
        setStatus('');
        setError(e instanceof Error ? e.message : String(e));
      });
  };
  const ask = (c: Omit<Confirmation, 'run'>, path: string, done: string) => {
    if (!token) {
      setError('Enter the admin token first.');
      return;
    }
    setConfirm({ ...c, run: () => act(path, done) });
  };

  const rows: IntervalRow[] = models.versions
    .filter((v) => v.metrics.ope?.candidate?.dr)
    .map((v) => {
      const o = v.metrics.ope?.candidate;
      const dr = o?.dr as Interval;
      return { label: `v${v.version} ${v.state}`, ...dr, color: STATE_COLOR[v.state], hollow: !o?.reliable };
    })
    .reverse();
  const logged = models.versions.find((v) => typeof v.metrics.ope?.logged === 'number')?.metrics.ope?.logged;

  return (
    <section className="card" aria-labelledby="models-h">
      <h2 id="models-h">Model versions ({models.kind})</h2>
      <p>
        Live: {models.live ? <strong>v{models.live.version}</strong> : <em>none</em>}
        <span className="muted"> · off-policy estimates of each version's reward on held-out logs (doubly robust, 95 % bootstrap CI)</span>
      </p>
      {rows.length ? (
        <IntervalChart title="DR estimate of each model version with its confidence interval" rows={rows} format={est} reference={typeof logged === 'number' ? { label: 'logging policy (observed reward)', value: logged } : undefined} />
      ) : (
        <p>No version has an OPE estimate yet.</p>
      )}
      <Scroll label="Model versions">
        <table>
          <caption className="sr-only">Model versions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">State</th>
              <th scope="col">DR [95 % CI]</th>
              <th scope="col">SNIPS [95 % CI]</th>
              <th scope="col" className="num">ESS</th>
              <th scope="col">Warnings / gate</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {models.versions.map((v) => {
              const o = v.metrics.ope?.candidate ?? undefined;
              const notes = [...(o?.warnings ?? []), ...(v.metrics.gate?.reasons ?? [])];
              return (
                <tr key={v.id}>
                  <th scope="row">v{v.version}</th>
                  <td>{v.state}</td>
                  <td>{ci(o?.dr)}</td>
                  <td>{ci(o?.snips)}</td>
                  <td className="num">{o ? Math.round(o.diagnostics.ess).toLocaleString('en') : '–'}</td>
                  <td>{notes.length ? [...new Set(notes)].join('; ') : <span className="muted">none</span>}</td>
                  <td>
                    {v.state !== 'live' && v.state !== 'rejected' && (
                      <button type="button" className="small secondary" onClick={() => ask({ title: `Promote v${v.version}?`, body: `v${v.version} becomes the live model of ${models.kind} at once on every API replica${models.live ? `; v${models.live.version} is retired` : ''}.`, action: `Promote v${v.version}` }, `${v.version}/promote`, `v${v.version} is live.`)}>
                        Promote v{v.version}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Scroll>
      <div className="row wrap toolbar">
        <div className="field">
          <label htmlFor={tokenId}>Admin token (for promote and roll back)</label>
          <input id={tokenId} type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        </div>
        {models.live && (
          <button type="button" className="danger" onClick={() => ask({ title: 'Roll back?', body: `v${models.live?.version} is retired and the version live before it becomes live again.`, action: 'Roll back' }, 'rollback', 'Rolled back.')}>
            Roll back v{models.live.version}
          </button>
        )}
      </div>
      <p className="status" role="status">
        {status}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ConfirmDialog confirm={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
