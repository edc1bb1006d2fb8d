import { join } from 'node:path';
import { SERVICE_IDS } from '../services/directory/directory';
import { defaultLocalesDir } from '../services/locales/locale';
import { buildTriage, trainingExamples } from '../services/triage/triageData';
import { CRISIS, NONE } from '../services/triage/triage';

/** The Finnish locale folder the commands read (LOCALES_DIR, else the project's own). */
export const finnishDir = join(process.env.LOCALES_DIR || defaultLocalesDir(), 'fi');

export const buildFinnishTriage = () => buildTriage(finnishDir, SERVICE_IDS);
export const finnishTrainingExamples = () => trainingExamples(finnishDir, SERVICE_IDS);
export const knownLabels = new Set<string>([...SERVICE_IDS, NONE, CRISIS]);
