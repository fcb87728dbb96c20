export { startAllInOne } from './all-in-one';
export { isEdgePath } from './client-port';
export type { AllInOneServer } from './all-in-one';
