"""numpy baseline for bench/recsys/ope-speed.ts: the whole OPE job from OBP-shaped inputs.

Reads raw little-endian arrays written by the TypeScript bench into <folder>:
  action.i32, position.i32 (n), reward.f64, pscore.f64 (n),
  action_dist.f64, q_hat.f64 (n * n_actions * len_list, row-major [n, n_actions, len_list]),
then times, per repeat, the seven estimators with OBP's formulas
(obp.ope.estimators: InverseProbabilityWeighting, SelfNormalizedInverseProbabilityWeighting,
DirectMethod, DoublyRobust, SelfNormalizedDoublyRobust, SwitchDoublyRobust,
DoublyRobustWithShrinkage), in two numpy styles:
  obp:    as OBP's code writes it: fancy indexing action_dist[arange(n), :, position] and
          np.average(q_hat_at_position, weights=pi_e_at_position, axis=1) for DM's term
          (done once and shared by the seven estimators; OBP itself redoes it per estimator);
  tuned:  a view action_dist[:, :, 0] when len_list == 1 (else the same fancy index) and
          np.einsum('ij,ij->i', ...) for the row dot product: no [n, n_actions] temporaries.
It also times reading both inputs once (action_dist.sum() + q_hat.sum(): the memory-traffic floor of
any implementation). Prints one JSON line: {"numpy": version, "estimates": {style: {...}},
"ms": {style: [...], "read": [...]}}.

  python3 bench/recsys/ope_numpy.py <folder> <n> <n_actions> <len_list> <repeats> <warmup> \
      <ips_clip> <dr_clip> <switch_lambda> <dros_lambda>
"""
import json
import sys
import time

import numpy as np


def reduce_obp(action_dist, q_hat, action, position):
    n = action.shape[0]
    idx = np.arange(n)
    pi_e = action_dist[idx, action, position]
    q_factual = q_hat[idx, action, position]
    q_hat_at_position = q_hat[idx, :, position]
    pi_e_at_position = action_dist[idx, :, position]
    q_policy = np.average(q_hat_at_position, weights=pi_e_at_position, axis=1)
    return pi_e, q_factual, q_policy


def reduce_tuned(action_dist, q_hat, action, position):
    n = action.shape[0]
    idx = np.arange(n)
    pi_e = action_dist[idx, action, position]
    q_factual = q_hat[idx, action, position]
    if action_dist.shape[2] == 1:
        pi_k, q_k = action_dist[:, :, 0], q_hat[:, :, 0]
    else:
        pi_k, q_k = action_dist[idx, :, position], q_hat[idx, :, position]
    q_policy = np.einsum('ij,ij->i', pi_k, q_k)
    return pi_e, q_factual, q_policy


def estimators(pi_e, q_factual, q_policy, reward, pscore, o):
    iw = pi_e / pscore
    resid = reward - q_factual
    mean_iw = iw.mean()
    dm = q_policy.mean()
    shrunk = iw if o['dros_lambda'] == np.inf else (o['dros_lambda'] * iw) / (iw**2 + o['dros_lambda'])
    return {
        'ips': float((np.minimum(iw, o['ips_clip']) * reward).mean()),
        'snips': float((iw * reward / mean_iw).mean()),
        'dm': float(dm),
        'dr': float((q_policy + np.minimum(iw, o['dr_clip']) * resid).mean()),
        'sndr': float((q_policy + iw * resid / mean_iw).mean()),
        'switchDr': float((q_policy + (iw <= o['switch_lambda']) * iw * resid).mean()),
        'drOs': float((q_policy + shrunk * resid).mean()),
    }


def main(argv):
    folder, n, k, len_list, repeats, warmup = argv[0], int(argv[1]), int(argv[2]), int(argv[3]), int(argv[4]), int(argv[5])
    o = dict(zip(['ips_clip', 'dr_clip', 'switch_lambda', 'dros_lambda'], (float(x) for x in argv[6:10])))
    read = lambda name, dt: np.fromfile(f'{folder}/{name}', dtype=dt)
    action, position = read('action.i32', '<i4'), read('position.i32', '<i4')
    reward, pscore = read('reward.f64', '<f8'), read('pscore.f64', '<f8')
    action_dist = read('action_dist.f64', '<f8').reshape(n, k, len_list)
    q_hat = read('q_hat.f64', '<f8').reshape(n, k, len_list)
    out = {'numpy': np.__version__, 'estimates': {}, 'ms': {}}
    for style, reduce in (('obp', reduce_obp), ('tuned', reduce_tuned)):
        job = lambda: estimators(*reduce(action_dist, q_hat, action, position), reward, pscore, o)
        for _ in range(warmup):
            job()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            est = job()
            times.append((time.perf_counter() - t0) * 1000)
        out['estimates'][style] = est
        out['ms'][style] = times
    # the floor for any implementation: reading both [n, n_actions, len_list] inputs once (a SIMD sum)
    times = []
    for _ in range(warmup + repeats):
        t0 = time.perf_counter()
        action_dist.sum()
        q_hat.sum()
        times.append((time.perf_counter() - t0) * 1000)
    out['ms']['read'] = times[warmup:]
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1:])
