export { startAllInOne, isEdgePath } from './all-in-one';
export type { AllInOneServer } from './all-in-one';
