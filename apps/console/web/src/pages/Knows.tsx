import { useEffect, useState } from 'react';
import { json, qs, type Credentials } from '../api';
import { UserPicker } from '../components/UserPicker';

interface Profile {
  biography: { text: string; builtAt: string; stale: boolean; generator: string } | null;
  what_i_know: Array<{ type: string; label: string; sensitivity: string; facts: Array<{ id: string; text: string; confidence: number; since: string | null }> }>;
}

/** The biography the assistant always has in context, and its answer to "what do you know about me?". */
export function KnowsPage({ creds, onUserChange }: { creds: Credentials; onUserChange: (userId: string) => void }) {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!creds.userId) return;
    let live = true;
    setProfile(null);
    setError('');
    json<Profile>(creds, 'memory', `/v1/profile${qs({ user_id: creds.userId })}`)
      .then((p) => live && setProfile(p))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [creds]);
  return (
    <section aria-labelledby="knows-h">
      <h1 id="knows-h">What the assistant knows</h1>
      <UserPicker userId={creds.userId} onChange={onUserChange} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!creds.userId ? (
        <p>Enter a user id.</p>
      ) : !profile ? (
        !error && <p role="status">Loading…</p>
      ) : (
        <>
          <section className="card" aria-labelledby="bio-h">
            <h2 id="bio-h">Biography</h2>
            {profile.biography ? (
              <>
                <p className="bio">{profile.biography.text}</p>
                <p className="muted">
                  Built {profile.biography.builtAt.slice(0, 16).replace('T', ' ')} UTC by {profile.biography.generator}
                  {profile.biography.stale && ' · a rebuild is pending (a fact changed since)'}
                </p>
              </>
            ) : (
              <p>No biography yet: it is built after the first sessions are processed.</p>
            )}
          </section>
          <section className="card" aria-labelledby="wik-h">
            <h2 id="wik-h">“What do you know about me?”</h2>
            {profile.what_i_know.length === 0 && <p>Nothing yet.</p>}
            {profile.what_i_know.map((s) => (
              <section key={s.type} aria-labelledby={`k-${s.type}`} className="knows">
                <h3 id={`k-${s.type}`}>
                  {s.label} {s.sensitivity !== 'normal' && <span className="tag">{s.sensitivity}</span>}
                </h3>
                <ul>
                  {s.facts.map((f) => (
                    <li key={f.id}>
                      {f.text} <span className="muted">({Math.round(f.confidence * 100)}%)</span>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </section>
        </>
      )}
    </section>
  );
}
