import { useId, useState, type FormEvent } from 'react';
import type { Credentials } from '../api';

/** Asks for the API key (kept in this tab's sessionStorage only) and the user whose memories to show. */
export function Connect({ onConnect }: { onConnect: (c: Credentials) => void }) {
  const keyId = useId();
  const userId = useId();
  const [apiKey, setApiKey] = useState('');
  const [user, setUser] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (apiKey.trim()) onConnect({ apiKey: apiKey.trim(), userId: user.trim() });
  };
  return (
    <section aria-labelledby="connect-h" className="card narrow">
      <h1 id="connect-h">Connect</h1>
      <p>Your API key stays in this browser tab (sessionStorage) and is sent only to Frontier's APIs.</p>
      <form onSubmit={submit}>
        <label htmlFor={keyId}>API key</label>
        <input id={keyId} name="apiKey" type="password" autoComplete="off" required value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
        <label htmlFor={userId}>User id</label>
        <input id={userId} name="userId" type="text" autoComplete="off" placeholder="user-42" value={user} onChange={(e) => setUser(e.target.value)} />
        <button type="submit">Connect</button>
      </form>
    </section>
  );
}
