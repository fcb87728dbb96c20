import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { AdminGate } from './admin-gate';
import { TokenStore } from './token-store';

/**
 * Who may use the admin API: the token store (flags, variables and token files) and the gate every
 * admin request passes before routing. The gate reads node tokens from the node table, so this module
 * imports NodesModule; the nodes feature uses only this folder's pure helpers and NodeUrlPolicy.
 */
@Module({
  imports: [NodesModule],
  providers: [TokenStore, AdminGate],
  exports: [AdminGate],
})
export class SecurityModule {}
