import { useEffect, useRef, useState } from 'react';
import type { Credentials } from '../api';

export type LiveState = 'connecting' | 'live' | 'offline';

const b64url = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** This tab's device id for memory-api's sync (kept for the tab's life). */
function deviceId(): string {
  const k = 'frontier.console.device';
  let id = sessionStorage.getItem(k);
  if (!id) {
    id = `console-${crypto.randomUUID().slice(0, 8)}`;
    sessionStorage.setItem(k, id);
  }
  return id;
}

/**
 * memory-api's sync WebSocket, through the console (the key travels as a subprotocol; the console
 * sends it upstream as `Authorization`). Calls `onChange` when any device changes the user's
 * memories; reconnects with backoff.
 */
export function useLiveSync(creds: Credentials, onChange: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    if (!creds.userId) return;
    let ws: WebSocket | null = null;
    let stopped = false;
    let retry = 500;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let vector: string | undefined;
    const open = () => {
      setState('connecting');
      const url = new URL(`api/memory/v1/sync/ws?user_id=${encodeURIComponent(creds.userId)}&device_id=${deviceId()}`, window.location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      ws = new WebSocket(url, ['frontier.v1', `frontier.key.${b64url(creds.apiKey)}`]);
      ws.onopen = () => ws?.send(JSON.stringify({ event: 'hello', data: vector ? { since: vector } : {} }));
      ws.onmessage = (m) => {
        let msg: { event?: string; data?: { vector?: string } } = {};
        try {
          msg = JSON.parse(String(m.data)) as typeof msg;
        } catch {
          return;
        }
        if (typeof msg.data?.vector === 'string') vector = msg.data.vector;
        if (msg.event === 'ready') {
          retry = 500;
          setState('live');
        }
        if (msg.event === 'change') changed.current();
      };
      ws.onclose = (e) => {
        if (stopped) return;
        setState('offline');
        if (e.code === 4400 || e.code === 4401 || e.code === 4403) return; // refused (bad user id, key or scope): retrying will not help
        timer = setTimeout(open, retry);
        retry = Math.min(retry * 2, 15_000);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      ws?.close();
    };
  }, [creds]);
  return state;
}
