export { SAFETY_CATEGORIES, describeCategory, isSafetyCategory, parseLlamaGuard, type SafetyCategory, type TextVerdict } from './categories';
export { classifyTextByRules, normalizeForRules } from './rules';
