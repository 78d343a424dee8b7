// Preloaded (node -r) into every app the replica suite starts: once the suite's process is gone
// (however it ended, SIGKILL included) the app is re-parented, notices within half a second and
// ends itself. A Jest worker's `process.on('exit')` never fires, so the suite cannot do this itself.
const suite = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== suite) process.kill(process.pid, 'SIGKILL');
}, 500);
watch.unref();
