export { textProblem, idProblem, storableProblem, totalLength, DEFAULT_ID_MAX, type TextRule, type IdRule } from './text';
export { parseTime, parseIsoTime, parseUnixSeconds, TIME_MIN, TIME_MAX, FUTURE_SKEW_MS, MILLISECONDS_LIKELY, type TimeKind, type TimeResult } from './time';
export { jsonProblem, depthViolation, DEFAULT_MAX_DEPTH, type JsonProblem } from './json';
