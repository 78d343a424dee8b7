// Runs before every test file: fixed time zone, and the loopback services unless overridden.
process.env.TZ = 'UTC';
