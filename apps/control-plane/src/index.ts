export { createControlPlane } from './control-plane';
export type { ControlPlane, ControlPlaneOptions } from './control-plane';
