import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** Every migration, in order. Add new ones at the end (never edit one that has shipped). */
export const MIGRATIONS = [InitialSchema1764000000000];
