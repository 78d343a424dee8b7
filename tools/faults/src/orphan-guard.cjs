// Preloaded (node -r) into the apps the fault suite starts: when the suite's process goes away,
// however it ends (even SIGKILL), the app is re-parented and ends too, so no app outlives a
// crashed or interrupted suite. Exit hooks cannot do this from inside Jest: a test's `process` is
// a copy whose 'exit' event never fires. The timer is unref'd: it never keeps the app alive.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
}, 500).unref();
