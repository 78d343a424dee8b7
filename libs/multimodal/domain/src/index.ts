export { normalizeTitle, TITLE_MAX_LENGTH } from './title';
